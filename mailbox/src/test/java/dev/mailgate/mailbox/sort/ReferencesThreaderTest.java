package dev.mailgate.mailbox.sort;

import static dev.mailgate.mailbox.sort.Threads.count;
import static dev.mailgate.mailbox.sort.Threads.depth;
import static dev.mailgate.mailbox.sort.Threads.message;
import static dev.mailgate.mailbox.sort.Threads.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** THREAD=REFERENCES (RFC 5256 section 3), step by step, then on hostile input. */
class ReferencesThreaderTest {

  private static String thread(ThreadMessage... messages) {
    return render(ReferencesThreader.thread(List.of(messages)));
  }

  @Test
  void aReplyChainIsOneListAndSeveralRepliesAreNestedLists() {
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x"),
        message(3, 2, "c", "c@x", "a@x", "b@x"))).isEqualTo("(1 2 3)");
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x"),
        message(3, 2, "c", "c@x", "a@x"))).isEqualTo("(1 (2)(3))");
  }

  @Test
  void inReplyToAloneLinksLikeAOneIdReferences() {
    // The reader puts In-Reply-To's first id in references when References: is absent.
    assertThat(thread(message(1, 0, "a", "a@x"), message(2, 1, "b", "b@x", "a@x"))).isEqualTo("(1 2)");
  }

  @Test
  void repliesToAMissingMessageHangBelowADummyAtTheTop() {
    // Step 4: a dummy at the top with more than one child stays, and writes no number.
    assertThat(thread(
        message(2, 1, "b", "b@x", "gone@x"),
        message(3, 2, "c", "c@x", "gone@x"))).isEqualTo("((2)(3))");
  }

  @Test
  void aDummyWithOneChildAtTheTopIsReplacedByIt() {
    assertThat(thread(message(2, 1, "b", "b@x", "gone@x"))).isEqualTo("(2)");
  }

  @Test
  void aDummyBelowTheTopGivesItsChildrenToItsParent() {
    // 1 <- gone <- 2 and gone <- 3: the missing message's replies become 1's.
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x", "gone@x"),
        message(3, 2, "c", "c@x", "a@x", "gone@x"))).isEqualTo("(1 (2)(3))");
  }

  @Test
  void chainsOfMissingMessagesArePrunedBottomUp() {
    // gone1 <- gone2 <- gone3 <- 2, and gone1 <- 3: the dummies go, 2 and 3 stay together.
    assertThat(thread(
        message(2, 1, "b", "b@x", "gone1@x", "gone2@x", "gone3@x"),
        message(3, 2, "c", "c@x", "gone1@x"))).isEqualTo("((2)(3))");
  }

  @Test
  void siblingsAndThreadsAreOrderedBySentDateThenByMailboxOrder() {
    assertThat(thread(
        message(1, 50, "late thread", "a@x"),
        message(2, 10, "early thread", "b@x"),
        message(3, 60, "re 1 late", "c@x", "a@x"),
        message(4, 55, "re 1 early", "d@x", "a@x"),
        message(5, 55, "re 1 same time", "e@x", "a@x"))).isEqualTo("(2)(1 (4)(5)(3))");
  }

  @Test
  void aDummyAtTheTopSortsByItsEarliestChild() {
    assertThat(thread(
        message(1, 30, "a", "a@x"),
        message(2, 40, "b", "b@x", "gone@x"),
        message(3, 20, "c", "c@x", "gone@x"))).isEqualTo("((3)(2))(1)");
  }

  @Test
  void aLaterMessageWhoseReferencesDifferTakesItsOwnParent() {
    // Step 1C: 1 claims gone@x's child is c@x; then c@x itself says its parent is z@x.
    assertThat(thread(
        message(1, 0, "x", "x@x", "a@x", "b@x", "c@x"),
        message(2, 1, "c", "c@x", "z@x"))).isEqualTo("(2 1)");
  }

  @Test
  void anExistingParentLinkIsKeptByLaterReferences() {
    // Step 1B: b@x is already 1's child; 3's References put it under gone@x, which is ignored.
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x"),
        message(3, 2, "c", "c@x", "gone@x", "b@x"))).isEqualTo("(1 2 3)");
  }

  @Test
  void messagesReferringToEachOtherMakeNoCycle() {
    assertThat(thread(
        message(1, 0, "a", "a@x", "b@x"),
        message(2, 1, "b", "b@x", "a@x"))).isEqualTo("(2 1)");
  }

  @Test
  void aLongerCycleInReferencesIsBrokenAtTheLinkThatWouldCloseIt() {
    assertThat(thread(
        message(1, 0, "a", "a@x", "c@x"),
        message(2, 1, "b", "b@x", "a@x"),
        message(3, 2, "c", "c@x", "b@x"))).isEqualTo("(3 1 2)");
  }

  @Test
  void aMessageReferringToItselfIsNotItsOwnParent() {
    assertThat(thread(message(1, 0, "a", "a@x", "a@x"))).isEqualTo("(1)");
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x", "b@x"))).isEqualTo("(1 2)");
  }

  @Test
  void referencesRepeatingAndContradictingThemselvesStillGiveATree() {
    assertThat(thread(
        message(1, 0, "a", "a@x"),
        message(2, 1, "b", "b@x", "a@x", "q@x", "a@x", "q@x", "a@x"))).isEqualTo("(1 2)");
  }

  @Test
  void aDuplicateMessageIdBelongsToTheFirstMessageOnly() {
    assertThat(thread(
        message(1, 0, "a", "same@x"),
        message(2, 1, "b", "same@x"),
        message(3, 2, "c", "c@x", "same@x"))).isEqualTo("(1 3)(2)");
  }

  @Test
  void messagesWithoutMessageIdAreThreadsOfTheirOwn() {
    assertThat(thread(
        message(1, 0, "a", null),
        message(2, 1, "b", null),
        message(3, 2, "c", null, "a@x"))).isEqualTo("(1)(2)(3)");
  }

  @Test
  void aReplyWithoutReferencesJoinsTheThreadOfItsSubject() {
    // Step 5: the table keeps the message that is not a reply; the reply becomes its child.
    assertThat(thread(
        message(1, 0, "Re: hello", "r@x"),
        message(2, 1, "hello", "h@x"))).isEqualTo("(2 1)");
  }

  @Test
  void twoThreadsWithOneSubjectAndNoReplyAreGatheredUnderADummy() {
    assertThat(thread(
        message(1, 0, "hello", "a@x"),
        message(2, 1, "HELLO", "b@x"),
        message(3, 2, "Re: hello", "c@x", "b@x"))).isEqualTo("((1)(2 3))");
  }

  @Test
  void aThreadWithTheSubjectOfATopDummyJoinsItsChildren() {
    assertThat(thread(
        message(1, 0, "topic", "a@x", "gone@x"),
        message(2, 1, "topic", "b@x", "gone@x"),
        message(3, 2, "Re: topic", "c@x"),
        message(4, 3, "other", "d@x"))).isEqualTo("((1)(2)(3))(4)");
  }

  @Test
  void twoTopDummiesWithOneSubjectBecomeOne() {
    assertThat(thread(
        message(1, 0, "topic", "a@x", "gone1@x"),
        message(2, 1, "topic", "b@x", "gone1@x"),
        message(3, 2, "Re: topic", "c@x", "gone2@x"),
        message(4, 3, "Re: topic", "d@x", "gone2@x"))).isEqualTo("((1)(2)(3)(4))");
  }

  @Test
  void emptySubjectsAreNeverGathered() {
    assertThat(thread(
        message(1, 0, "", "a@x"),
        message(2, 1, "Re:", "b@x"))).isEqualTo("(1)(2)");
  }

  @Test
  void aReplyChainThousandsDeepNeedsNoStack() {
    int n = 4000;
    List<ThreadMessage> messages = new ArrayList<>();
    messages.add(message(1, 0, "deep", "m1@x"));
    for (int i = 2; i <= n; i++) {
      messages.add(message(i, i, "Re: deep", "m" + i + "@x", "m" + (i - 1) + "@x"));
    }
    List<ThreadNode> threads = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> ReferencesThreader.thread(messages));
    assertThat(threads).hasSize(1);
    assertThat(depth(threads)).isEqualTo(n);
  }

  @Test
  void aThreadDeeperThanTheAncestryLimitIsCutNotLooped() {
    int n = ReferencesThreader.MAX_ANCESTRY + 500;
    List<ThreadMessage> messages = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      messages.add(i == 1 ? message(1, 0, "deep " + i, "m1@x")
          : message(i, i, "deep " + i, "m" + i + "@x", "m" + (i - 1) + "@x"));
    }
    List<ThreadNode> threads = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> ReferencesThreader.thread(messages));
    assertThat(count(threads)).isEqualTo(n);
    assertThat(depth(threads)).isLessThanOrEqualTo(ReferencesThreader.MAX_ANCESTRY + 1);
    assertThat(threads).hasSizeGreaterThan(1);
  }

  @Test
  void onceTheCycleChecksHaveSpentTheirStepsNoMoreLinksAreMade() {
    // Five chains as deep as MAX_ANCESTRY allows would walk about 42 million links in checks.
    int n = 5 * ReferencesThreader.MAX_ANCESTRY;
    List<ThreadMessage> messages = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      messages.add(i == 1 ? message(1, 0, "s1", "m1@x")
          : message(i, i, "s" + i, "m" + i + "@x", "m" + (i - 1) + "@x"));
    }
    List<ThreadNode> threads = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> ReferencesThreader.thread(messages));
    assertThat(count(threads)).isEqualTo(n);
    assertThat(threads).as("unlinked messages are threads of their own").hasSizeGreaterThan(100);
  }

  @Test
  void aReferencesFieldOfThousandsOfIdsUsesOnlyTheLastOnes() {
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      refs.add("r" + i + "@x");
    }
    refs.add("a@x");
    ThreadMessage root = message(1, 0, "a", "a@x");
    ThreadMessage reply = new ThreadMessage(2, root.sent().plusSeconds(60), BaseSubject.of("b"), "b@x", refs);
    List<ThreadNode> threads = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> ReferencesThreader.thread(List.of(root, reply)));
    assertThat(render(threads)).isEqualTo("(1 2)");
  }

  @Test
  void everyMessageOfAMailboxOfManyReferencingEachOtherAtRandomIsInTheResultOnce() {
    java.util.Random random = new java.util.Random(5256);
    List<ThreadMessage> messages = new ArrayList<>();
    int n = 2000;
    for (int i = 1; i <= n; i++) {
      String[] refs = new String[random.nextInt(6)];
      for (int r = 0; r < refs.length; r++) {
        refs[r] = "m" + (1 + random.nextInt(n)) + "@x"; // forwards, backwards, itself
      }
      String id = random.nextInt(10) == 0 ? null : "m" + (1 + random.nextInt(n)) + "@x"; // duplicates
      messages.add(message(i, random.nextInt(100), random.nextBoolean() ? "s" + random.nextInt(50)
          : "Re: s" + random.nextInt(50), id, refs));
    }
    List<ThreadNode> threads = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> ReferencesThreader.thread(messages));
    assertThat(count(threads)).isEqualTo(n);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    java.util.Deque<ThreadNode> stack = new java.util.ArrayDeque<>(threads);
    while (!stack.isEmpty()) {
      ThreadNode t = stack.pop();
      assertThat(t.isDummy() || seen.add(t.uid())).as("message %d once", t.uid()).isTrue();
      if (t.isDummy()) {
        assertThat(t.children()).as("a dummy holds at least two threads").hasSizeGreaterThan(1);
        assertThat(threads).as("dummies only at the top").contains(t);
      }
      t.children().forEach(stack::push);
    }
  }
}

package dev.mailgate.mailbox.sort;

import static dev.mailgate.mailbox.sort.Threads.message;
import static dev.mailgate.mailbox.sort.Threads.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** THREAD=ORDEREDSUBJECT (RFC 5256 section 3). */
class OrderedSubjectThreaderTest {

  private static String thread(ThreadMessage... messages) {
    return render(OrderedSubjectThreader.thread(List.of(messages)));
  }

  @Test
  void theEarliestMessageOfASubjectIsTheParentOfAllTheOthers() {
    assertThat(thread(
        message(1, 30, "hello", "a@x"),
        message(2, 10, "Re: hello", "b@x"),
        message(3, 20, "other", "c@x"),
        message(4, 40, "RE: HELLO", "d@x"))).isEqualTo("(2 (1)(4))(3)");
  }

  @Test
  void aSubjectWithOneReplyIsOneList() {
    // As in the RFC's example response: (194 195)
    assertThat(thread(message(194, 0, "x", null), message(195, 1, "Re: x", null))).isEqualTo("(194 195)");
  }

  @Test
  void referencesAreIgnoredAndEqualDatesFallBackOnMailboxOrder() {
    assertThat(thread(
        message(3, 5, "b", "c@x"),
        message(1, 5, "a", "a@x", "c@x"),
        message(2, 5, "b", "b@x", "a@x"))).isEqualTo("(1)(2 3)");
  }

  @Test
  void messagesWithoutSubjectFormOneThread() {
    assertThat(thread(message(1, 0, null, null), message(2, 1, "", null), message(3, 2, "Re:", null)))
        .isEqualTo("(1 (2)(3))");
  }

  @Test
  void noMessagesNoThreads() {
    assertThat(OrderedSubjectThreader.thread(List.of())).isEmpty();
  }
}

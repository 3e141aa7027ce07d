package dev.mailgate.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.QuotaExceededException;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.store.contract.MailStoreContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Two store instances ("nodes") on one database, as two gateway nodes would run. */
@ExtendWith(PostgresServerExtension.class)
class PostgresTwoNodeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  static String url;
  PostgresMailStore nodeA;
  PostgresMailStore nodeB;

  @BeforeAll
  static void database(PostgresServer server) throws Exception {
    url = server.newDatabase();
  }

  @BeforeEach
  void open() {
    nodeA = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
    nodeB = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
  }

  @AfterEach
  void close() {
    nodeA.close();
    nodeB.close();
  }

  private String newUser(Quota quota) {
    String user = "u" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    nodeA.provision(user, quota).block(TIMEOUT);
    return user;
  }

  private static Mono<AppendResult> deliver(MailStore node, MailboxId box, String subject) {
    byte[] b = MailStoreContract.message(subject).getBytes(StandardCharsets.US_ASCII);
    return node.append(box, new AppendRequest(Flags.NONE, OffsetDateTime.now(), -1), Flux.just(ByteBuffer.wrap(b)));
  }

  /** Each node delivers {@code perNode} messages, {@code inFlight} at a time, both nodes at once. */
  private static List<Mono<List<Long>>> deliveries(List<MailStore> nodes, MailboxId box, int perNode,
      int inFlight) {
    List<Mono<List<Long>>> runs = new ArrayList<>();
    for (int n = 0; n < nodes.size(); n++) {
      MailStore node = nodes.get(n);
      String tag = "node" + n + "-";
      runs.add(Flux.range(0, perNode)
          .flatMap(i -> deliver(node, box, tag + i).map(AppendResult::uid)
              .onErrorResume(QuotaExceededException.class, e -> Mono.empty()), inFlight)
          .collectList());
    }
    return runs;
  }

  @Test
  void concurrentDeliveriesOnTwoNodesGetDistinctGapFreeIncreasingUids() {
    String user = newUser(Quota.unlimited());
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    long first = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).uidNext();

    List<List<Long>> perNode = Flux.merge(deliveries(List.of(nodeA, nodeB), inbox, 200, 8))
        .collectList().block(TIMEOUT);

    List<Long> all = new ArrayList<>();
    perNode.forEach(all::addAll);
    assertThat(perNode).allSatisfy(l -> assertThat(l).hasSize(200));
    assertThat(all).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(LongStream.range(first, first + 400).boxed().toList());
    MailboxInfo after = nodeB.mailbox(user, MailboxName.INBOX).block(TIMEOUT);
    assertThat(after.messages()).isEqualTo(400);
    assertThat(after.uidNext()).isEqualTo(first + 400);
    List<Long> stored = nodeB.messages(inbox, UidSet.all()).map(m -> m.uid()).collectList().block(TIMEOUT);
    assertThat(stored).isSorted().hasSize(400);
  }

  @Test
  void messageQuotaHoldsInTotalWhenTwoNodesDeliverAtOnce() {
    String user = newUser(Quota.limits(Quota.UNLIMITED, 10));
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();

    List<List<Long>> perNode = Flux.merge(deliveries(List.of(nodeA, nodeB), inbox, 10, 4))
        .collectList().block(TIMEOUT);

    assertThat(perNode.get(0).size() + perNode.get(1).size()).isEqualTo(10);
    assertThat(nodeB.quota(user).block(TIMEOUT).messagesUsed()).isEqualTo(10);
    assertThat(nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).messages()).isEqualTo(10);
  }

  @Test
  void deliveryOnNodeAReachesAnIdleSubscriberOnNodeBWithinOneSecond() throws Exception {
    String user = newUser(Quota.unlimited());
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    BlockingQueue<MailboxEvent> onB = new LinkedBlockingQueue<>();
    Disposable idle = nodeB.events(inbox).subscribe(onB::add);
    try {
      for (int i = 0; i < 3; i++) {
        AppendResult r = deliver(nodeA, inbox, "cross-node " + i).block(TIMEOUT);
        MailboxEvent heard = onB.poll(1, TimeUnit.SECONDS);
        assertThat(heard).as("event %d heard on node B within 1 s of the ack on node A", i)
            .isInstanceOfSatisfying(MailboxEvent.Added.class, a -> {
              assertThat(a.uid()).isEqualTo(r.uid());
              assertThat(a.modSeq()).isEqualTo(r.modSeq());
            });
      }
    } finally {
      idle.dispose();
    }
  }

  @Test
  void flagChangesAndExpungesOnNodeBReachNodeAInCommitOrder() throws Exception {
    String user = newUser(Quota.unlimited());
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    BlockingQueue<MailboxEvent> onA = new LinkedBlockingQueue<>();
    Disposable idle = nodeA.events(inbox).subscribe(onA::add);
    try {
      AppendResult a = deliver(nodeA, inbox, "one").block(TIMEOUT);
      AppendResult b = deliver(nodeA, inbox, "two").block(TIMEOUT);
      // node A's own appends are published to its subscribers before they are acknowledged
      assertThat(List.of(onA.poll(5, TimeUnit.SECONDS), onA.poll(5, TimeUnit.SECONDS))).extracting(e -> ((MailboxEvent.Added) e).uid())
          .containsExactly(a.uid(), b.uid());
      nodeB.store(inbox, UidSet.of(a.uid(), b.uid()),
          FlagUpdate.add(Flags.of(dev.mailgate.mailbox.store.SystemFlag.DELETED))).block(TIMEOUT);
      nodeB.expunge(inbox, UidSet.of(a.uid())).block(TIMEOUT);
      List<MailboxEvent> heard = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        MailboxEvent e = onA.poll(5, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        heard.add(e);
      }
      assertThat(heard.get(0)).isInstanceOfSatisfying(MailboxEvent.FlagsChanged.class,
          f -> assertThat(f.uid()).isEqualTo(a.uid()));
      assertThat(heard.get(1)).isInstanceOfSatisfying(MailboxEvent.FlagsChanged.class,
          f -> assertThat(f.uid()).isEqualTo(b.uid()));
      assertThat(heard.get(2)).isInstanceOfSatisfying(MailboxEvent.Expunged.class,
          x -> assertThat(x.uids()).containsExactly(a.uid()));
      assertThat(heard.get(2).modSeq()).isGreaterThan(heard.get(1).modSeq());
    } finally {
      idle.dispose();
    }
  }

  @Test
  void eventTooLongForANotifyPayloadStillReachesTheOtherNodeWhole() throws Exception {
    String user = newUser(Quota.unlimited());
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    Set<String> keywords = new HashSet<>();
    for (int i = 0; i < Flags.MAX_KEYWORDS; i++) {
      keywords.add("k" + i + "-" + "x".repeat(Flags.MAX_KEYWORD_LENGTH - 8)); // ~16 KiB in all
    }
    BlockingQueue<MailboxEvent> onB = new LinkedBlockingQueue<>();
    Disposable idle = nodeB.events(inbox).subscribe(onB::add);
    try {
      AppendResult a = deliver(nodeA, inbox, "keywords").block(TIMEOUT);
      assertThat(onB.poll(5, TimeUnit.SECONDS)).isInstanceOf(MailboxEvent.Added.class);
      nodeA.store(inbox, UidSet.of(a.uid()), FlagUpdate.add(new Flags(Set.of(), keywords))).block(TIMEOUT);
      MailboxEvent heard = onB.poll(5, TimeUnit.SECONDS);
      assertThat(heard).isInstanceOfSatisfying(MailboxEvent.FlagsChanged.class,
          f -> assertThat(f.flags().keywords()).containsExactlyInAnyOrderElementsOf(keywords));
    } finally {
      idle.dispose();
    }
  }

  @Test
  void mailboxesCreatedOnTwoNodesAtOnceGetDistinctUidValidities() {
    String user = newUser(Quota.unlimited());
    List<Long> validities = Flux.range(0, 20)
        .flatMap(i -> (i % 2 == 0 ? nodeA : nodeB).create(user, MailboxName.of("Box" + i), Set.of()), 8)
        .map(MailboxInfo::uidValidity)
        .collectList().block(TIMEOUT);
    assertThat(validities).hasSize(20).doesNotHaveDuplicates();
  }

  @Test
  void recentMessagesClaimedOnTwoNodesAtOnceGoToExactlyOneSession() {
    String user = newUser(Quota.unlimited());
    MailboxId inbox = nodeA.mailbox(user, MailboxName.INBOX).block(TIMEOUT).id();
    long first = deliver(nodeA, inbox, "r1").block(TIMEOUT).uid();
    long last = deliver(nodeA, inbox, "r2").block(TIMEOUT).uid();

    List<Long> claims = Flux.merge(nodeA.claimRecent(inbox, last), nodeB.claimRecent(inbox, last))
        .collectList().block(TIMEOUT);

    // one session shows first..last as \Recent, the other none (its first unclaimed UID is last + 1)
    assertThat(claims).containsExactlyInAnyOrder(first, last + 1);
    assertThat(nodeB.mailbox(user, MailboxName.INBOX).block(TIMEOUT).recent()).isZero();
  }
}

package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/** Change events: what IDLE and the untagged EXISTS/EXPUNGE/FETCH of other sessions rely on. */
public interface EventsContract extends MailStoreContract {

  @Test
  default void subscriberHearsOfAnAppendWithin100Milliseconds() throws Exception {
    String user = newUser();
    MailboxId inbox = inbox(user);
    BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
    Disposable idle = store().events(inbox).subscribe(e -> arrivals.add(System.nanoTime()));
    try {
      append(inbox, MailStoreContract.message("warm-up")); // first append loads classes
      arrivals.poll(5, TimeUnit.SECONDS);
      AppendResult[] r = new AppendResult[1];
      long worst = 0;
      for (int i = 0; i < 5; i++) {
        r[0] = append(inbox, MailStoreContract.message("push " + i));
        long acked = System.nanoTime();
        Long heard = arrivals.poll(5, TimeUnit.SECONDS);
        assertThat(heard).isNotNull();
        worst = Math.max(worst, heard - acked);
      }
      // heard no later than 100 ms after the append was acknowledged (in practice before it)
      assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofMillis(100));
    } finally {
      idle.dispose();
    }
  }

  @Test
  default void twoSessionsSeeEachOthersFlagChangesAndExpunges() throws Exception {
    String user = newUser();
    MailboxId inbox = inbox(user);
    AppendResult a = append(inbox, MailStoreContract.message("shared"));
    BlockingQueue<MailboxEvent> one = new LinkedBlockingQueue<>();
    BlockingQueue<MailboxEvent> two = new LinkedBlockingQueue<>();
    Disposable d1 = store().events(inbox).subscribe(one::add);
    Disposable d2 = store().events(inbox).subscribe(two::add);
    try {
      store().store(inbox, UidSet.of(a.uid()), FlagUpdate.add(Flags.of(SystemFlag.DELETED))).block(TIMEOUT);
      store().expunge(inbox, UidSet.all()).block(TIMEOUT);
      for (BlockingQueue<MailboxEvent> q : java.util.List.of(one, two)) {
        MailboxEvent flags = q.poll(5, TimeUnit.SECONDS);
        assertThat(flags).isInstanceOfSatisfying(MailboxEvent.FlagsChanged.class, f -> {
          assertThat(f.uid()).isEqualTo(a.uid());
          assertThat(f.flags().has(SystemFlag.DELETED)).isTrue();
        });
        MailboxEvent gone = q.poll(5, TimeUnit.SECONDS);
        assertThat(gone).isInstanceOfSatisfying(MailboxEvent.Expunged.class,
            x -> assertThat(x.uids()).containsExactly(a.uid()));
        assertThat(gone.modSeq()).isGreaterThan(flags.modSeq());
      }
    } finally {
      d1.dispose();
      d2.dispose();
    }
  }

  @Test
  default void eventsOfOneMailboxDoNotLeakIntoAnother() throws Exception {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxId sent = box(user, "Sent").id();
    BlockingQueue<MailboxEvent> q = new LinkedBlockingQueue<>();
    Disposable d = store().events(sent).subscribe(q::add);
    try {
      append(inbox, MailStoreContract.message("inbox only"));
      AppendResult s = append(sent, MailStoreContract.message("sent"));
      MailboxEvent e = q.poll(5, TimeUnit.SECONDS);
      assertThat(e).isInstanceOfSatisfying(MailboxEvent.Added.class, x -> assertThat(x.uid()).isEqualTo(s.uid()));
    } finally {
      d.dispose();
    }
  }
}

package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.MailboxId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Appends racing from several threads (several SMTP deliveries and an IMAP APPEND at once). */
public interface ConcurrencyContract extends MailStoreContract {

  @Test
  default void concurrentAppendsGetDistinctUidsIncreasingPerThread() throws Exception {
    String user = newUser();
    MailboxId inbox = inbox(user);
    int threads = 4;
    int perThread = 15;
    ConcurrentLinkedQueue<Long> all = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          List<Long> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            long uid = append(inbox, MailStoreContract.message("t" + id + "-" + i)).uid();
            mine.add(uid);
            all.add(uid);
          }
          return mine;
        }));
      }
      for (Future<List<Long>> f : futures) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isSorted().doesNotHaveDuplicates();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
    assertThat(box(user, "INBOX").messages()).isEqualTo(threads * perThread);
  }
}

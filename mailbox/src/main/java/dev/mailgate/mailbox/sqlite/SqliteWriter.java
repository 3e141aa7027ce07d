package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The single SQLite writer: one thread owns the write connection and runs write transactions in
 * submission order. Transactions queued together are committed together (group commit: one WAL
 * fsync for up to {@code groupCommit} of them), each inside its own SAVEPOINT so that one failing
 * does not undo the others. A transaction's Mono completes only after the commit returned, i.e.
 * after {@code synchronous=FULL} made it durable; then its events are published (in commit order)
 * and its unreferenced body files deleted.
 *
 * <p>Limit: {@code queueCapacity} waiting transactions; beyond that submissions fail with BUSY.
 */
final class SqliteWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

  /** Work run inside the write transaction. */
  interface Work<T> {
    T run(Connection c, Effects effects) throws Exception;
  }

  /** What a transaction wants done once it is committed. */
  static final class Effects {
    final List<MailboxEvent> events = new ArrayList<>();
    final List<String> deleteBodies = new ArrayList<>();

    void event(MailboxEvent e) {
      events.add(e);
    }

    void deleteBody(String bodyId) {
      deleteBodies.add(bodyId);
    }
  }

  private record Task<T>(Work<T> work, MonoSink<T> sink) {}

  private record Done(Task<Object> task, Object value, Effects effects, Throwable error) {}

  private final Connection conn;
  private final BlockingQueue<Task<?>> queue;
  private final int groupCommit;
  private final Consumer<MailboxEvent> publisher;
  private final Consumer<String> bodyDeleter;
  private final Thread thread;
  private volatile boolean running = true;

  SqliteWriter(
      Connection conn,
      int queueCapacity,
      int groupCommit,
      Consumer<MailboxEvent> publisher,
      Consumer<String> bodyDeleter,
      Path db) {
    this.conn = conn;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.groupCommit = groupCommit;
    this.publisher = publisher;
    this.bodyDeleter = bodyDeleter;
    this.thread = new Thread(this::loop, "mailstore-writer-" + db.getFileName());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Runs {@code work} in a write transaction; signals on the writer thread after commit. */
  <T> Mono<T> submit(Work<T> work) {
    return Mono.create(
        sink -> {
          if (!running || !queue.offer(new Task<>(work, sink))) {
            sink.error(new MailStoreException(MailStoreException.Reason.BUSY, "write queue full"));
          }
        });
  }

  @SuppressWarnings("unchecked")
  private void loop() {
    List<Task<?>> batch = new ArrayList<>(groupCommit);
    while (running || !queue.isEmpty()) {
      try {
        Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, groupCommit - 1);
        List<Done> done = new ArrayList<>(batch.size());
        try (Statement st = conn.createStatement()) {
          for (Task<?> t : batch) {
            Effects fx = new Effects();
            st.execute("SAVEPOINT w");
            try {
              Object v = t.work().run(conn, fx);
              st.execute("RELEASE w");
              done.add(new Done((Task<Object>) t, v, fx, null));
            } catch (Exception e) {
              st.execute("ROLLBACK TO w");
              st.execute("RELEASE w");
              done.add(new Done((Task<Object>) t, null, fx, e));
            }
          }
          conn.commit();
        } catch (SQLException e) {
          log.error("write transaction failed to commit", e);
          rollbackQuietly();
          for (Task<?> t : batch) {
            t.sink().error(new MailStoreException(MailStoreException.Reason.UNAVAILABLE, "commit failed", e));
          }
          continue;
        }
        for (Done d : done) {
          if (d.error() == null) {
            d.effects().events.forEach(publisher);
            d.effects().deleteBodies.forEach(bodyDeleter);
            if (d.value() == null) {
              d.task().sink().success();
            } else {
              d.task().sink().success(d.value());
            }
          } else {
            d.task().sink().error(translate(d.error()));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("writer loop", e);
      }
    }
  }

  private static Throwable translate(Throwable e) {
    if (e instanceof MailStoreException) {
      return e;
    }
    return new MailStoreException(MailStoreException.Reason.UNAVAILABLE, e.toString(), e);
  }

  private void rollbackQuietly() {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable; the next commit will report it
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.jdbc.MailboxKeywords;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.mime.StructureCodec;
import dev.mailgate.mailbox.mime.StructureParser;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.CopyResult;
import dev.mailgate.mailbox.store.ExpungeResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.StoreResult;
import dev.mailgate.mailbox.store.SpecialUse;
import dev.mailgate.mailbox.store.UidSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The embedded {@link MailStore}: SQLite index ({@code store.db}, WAL, synchronous=FULL) written
 * by one writer thread with group commit, bodies as fsynced files ({@link BodyFiles}), reads and
 * file I/O on a bounded-elastic scheduler named {@code mailstore-io} capped at {@link
 * StoreLimits#ioThreads()}. See the package documentation for the directory layout and the
 * crash-safety argument.
 */
public final class SqliteMailStore implements MailStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteMailStore.class);
  /** The store whose I/O scheduler runs the current thread; unset on every other thread. */
  private static final ThreadLocal<SqliteMailStore> IO_THREAD_OF = new ThreadLocal<>();
  /** Messages listed per read by {@link #messages}. */
  static final int MESSAGE_PAGE = 1000;

  private final StoreLimits limits;
  private final Scheduler io;
  private final SqliteConnections connections;
  private final SqliteWriter writer;
  private final BodyFiles files;
  private final ChangeBus bus;

  private SqliteMailStore(Path dataDir, StoreLimits limits) throws IOException, SQLException {
    this.limits = limits;
    Files.createDirectories(dataDir);
    this.io = Schedulers.newBoundedElastic(limits.ioThreads(), limits.ioQueue(), ioThreads(), 60);
    this.files = new BodyFiles(dataDir);
    Path db = dataDir.resolve("store.db");
    this.connections = new SqliteConnections(db, limits.ioThreads());
    Connection w = connections.openWriter();
    Schema.apply(w);
    w.commit();
    int removed = files.recover(referencedBodies(w));
    w.commit();
    if (removed > 0) {
      log.info("recovery removed {} uncommitted or orphaned body files", removed);
    }
    this.bus = new ChangeBus(limits.eventBacklog());
    this.writer = new SqliteWriter(w, limits.writeQueue(), limits.groupCommit(), bus::publish, files::delete, db);
  }

  /** Opens (creating if needed) the store in {@code dataDir}, recovering from any crash first. */
  public static SqliteMailStore open(Path dataDir, StoreLimits limits) {
    try {
      return new SqliteMailStore(dataDir, limits);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open store in " + dataDir, e);
    }
  }

  private static Set<String> referencedBodies(Connection c) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT body_id FROM messages");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** Daemon threads {@code mailstore-io-N} that know they belong to this store ({@link #read}). */
  private ThreadFactory ioThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread t = new Thread(() -> {
        IO_THREAD_OF.set(this);
        task.run();
      }, "mailstore-io-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs a read on the I/O scheduler with a pooled connection. A read asked for on one of this
   * store's I/O threads (the next step of a command whose previous read just ended there: a FETCH
   * reads the message list, then each message's structure, its body id and its bytes) runs right
   * there: handing it to another I/O thread only adds a thread wake-up per read, which on a loaded
   * machine costs more than the read (a pipelined {@code UID FETCH n (BODY.PEEK[HEADER])} took 6.6
   * context switches per command). The connection of the read before is already back in the pool.
   */
  private <T> Mono<T> read(SqlRead<T> work) {
    Mono<T> run = Mono.fromCallable(() -> {
      Connection c = connections.borrow();
      try {
        return work.run(c);
      } finally {
        connections.release(c);
      }
    });
    return Mono.defer(() -> IO_THREAD_OF.get() == this ? run : run.subscribeOn(io))
        .onErrorMap(SQLException.class, SqliteMailStore::unavailable);
  }

  private interface SqlRead<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs a write transaction; the caller continues on the I/O scheduler, not the writer. */
  private <T> Mono<T> write(SqliteWriter.Work<T> work) {
    return writer.submit(work).publishOn(io);
  }

  private static MailStoreException unavailable(Throwable e) {
    return new MailStoreException(MailStoreException.Reason.UNAVAILABLE, e.toString(), e);
  }

  @Override
  public Mono<Void> provision(String user, Quota limits) {
    return write((c, fx) -> {
      MailboxOps.provision(c, user, limits);
      return null;
    });
  }

  @Override
  public Mono<Void> deleteUser(String user) {
    return write((c, fx) -> {
      List<MailboxInfo> boxes = MailboxOps.list(c, user);
      for (MailboxInfo b : boxes) {
        MessageOps.removeAll(c, fx, b.id(), user);
        MailboxKeywords.forget(c, b.id().value());
        fx.event(new MailboxEvent.Deleted(b.id(), b.highestModSeq()));
        Jdbc.update(c, "DELETE FROM vanished WHERE mailbox_id = ?", b.id().value());
      }
      Jdbc.update(c, "DELETE FROM mailboxes WHERE user = ?", user);
      Jdbc.update(c, "DELETE FROM subscriptions WHERE user = ?", user);
      Jdbc.update(c, "DELETE FROM accounts WHERE user = ?", user);
      return null;
    });
  }

  @Override
  public Mono<Quota> quota(String user) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT storage_limit, storage_used,"
          + " message_limit, messages_used FROM accounts WHERE user = ?")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new MailStoreException(MailStoreException.Reason.NO_SUCH_USER, "no user " + user);
          }
          return new Quota(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
      }
    });
  }

  @Override
  public Flux<MailboxInfo> mailboxes(String user) {
    return read(c -> MailboxOps.list(c, user)).flatMapIterable(l -> l);
  }

  @Override
  public Mono<MailboxInfo> mailbox(String user, MailboxName name) {
    return read(c -> MailboxOps.info(c, user, name));
  }

  @Override
  public Mono<MailboxInfo> create(String user, MailboxName name, Set<SpecialUse> specialUse) {
    if (specialUse.size() > 1) {
      return Mono.error(new MailStoreException(MailStoreException.Reason.CANNOT, "one special use per mailbox"));
    }
    SpecialUse su = specialUse.isEmpty() ? null : specialUse.iterator().next();
    return write((c, fx) -> {
      MailboxOps.create(c, user, name, su);
      return MailboxOps.info(c, user, name);
    });
  }

  @Override
  public Mono<Void> delete(String user, MailboxName name) {
    return write((c, fx) -> {
      MailboxOps.delete(c, fx, user, name);
      return null;
    });
  }

  @Override
  public Mono<Void> rename(String user, MailboxName from, MailboxName to) {
    return write((c, fx) -> {
      MailboxOps.rename(c, fx, user, from, to);
      return null;
    });
  }

  @Override
  public Mono<Long> claimRecent(MailboxId mailbox, long throughUid) {
    Mono<Long> first = read(c -> MailboxOps.firstRecentUid(c, mailbox));
    // Most SELECTs find nothing new to claim: only then is a durable write needed.
    return first.flatMap(f -> f > throughUid ? Mono.just(f) : write((c, fx) -> {
      long current = MailboxOps.firstRecentUid(c, mailbox);
      if (current <= throughUid) {
        Jdbc.update(c, "UPDATE mailboxes SET first_recent_uid = ? WHERE id = ?", throughUid + 1,
            mailbox.value());
      }
      return current;
    }));
  }

  @Override
  public Mono<Void> subscribe(String user, MailboxName name, boolean subscribed) {
    return write((c, fx) -> {
      Jdbc.update(c, subscribed ? "INSERT OR IGNORE INTO subscriptions VALUES (?, ?)"
          : "DELETE FROM subscriptions WHERE user = ? AND name = ?", user, name.value());
      return null;
    });
  }

  @Override
  public Flux<MailboxName> subscriptions(String user) {
    return read(c -> {
      List<MailboxName> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name FROM subscriptions WHERE user = ? ORDER BY name")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(MailboxName.of(rs.getString(1)));
          }
        }
      }
      return out;
    }).flatMapIterable(l -> l);
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Flux<ByteBuffer> message) {
    return new Appender(mailbox, request).run(message);
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Path message) {
    Flux<ByteBuffer> chunks = BodyChunks.fromFile(message).subscribeOn(io);
    return append(mailbox, request, chunks);
  }

  /** One append: stream to a temp file, fsync, parse, publish, index. */
  private final class Appender {
    private final MailboxId mailbox;
    private final AppendRequest request;

    Appender(MailboxId mailbox, AppendRequest request) {
      this.mailbox = mailbox;
      this.request = request;
    }

    Mono<AppendResult> run(Flux<ByteBuffer> message) {
      if (request.declaredSize() > limits.maxMessageBytes()) {
        return Mono.error(new MailStoreException(MailStoreException.Reason.TOO_BIG,
            "message larger than " + limits.maxMessageBytes()));
      }
      Mono<Void> precheck = request.declaredSize() < 0 ? Mono.empty()
          : read(c -> {
            MessageOps.checkQuota(c, MessageOps.box(c, mailbox).user(), request.declaredSize(), 1);
            return Boolean.TRUE;
          }).then();
      return precheck.then(Mono.usingWhen(
          blocking(() -> files.create(limits.maxMessageBytes())),
          tmp -> message.publishOn(io, limits.appendPrefetch())
              .concatMap(buf -> {
                try {
                  tmp.write(buf);
                  return Mono.empty();
                } catch (IOException e) {
                  return Mono.error(e);
                }
              }, 0)
              .then(blocking(() -> seal(tmp)))
              .flatMap(this::index),
          tmp -> blocking(() -> {
            tmp.close();
            return Boolean.TRUE;
          })));
    }

    private MessageOps.NewMessage seal(BodyFiles.TempBody tmp) throws IOException {
      if (tmp.size <= limits.inlineBodyBytes()) {
        // small: the bytes go into the index row's transaction, made durable by its WAL fsync
        byte[] bytes = tmp.readAllUnsynced();
        MessageStructure s = new StructureParser(limits.maxHeaderBytes())
            .parse(new java.io.ByteArrayInputStream(bytes));
        return new MessageOps.NewMessage(request.flags(), request.internalDate(), tmp.size,
            Schema.INLINE_PREFIX + java.util.UUID.randomUUID(), StructureCodec.encode(s),
            s.sentDate(), bytes);
      }
      tmp.sync();
      MessageStructure s;
      try (InputStream in = Files.newInputStream(tmp.path)) {
        s = new StructureParser(limits.maxHeaderBytes()).parse(in);
      }
      String bodyId = tmp.publish();
      return new MessageOps.NewMessage(request.flags(), request.internalDate(), tmp.size, bodyId,
          StructureCodec.encode(s), s.sentDate(), null);
    }

    private Mono<AppendResult> index(MessageOps.NewMessage m) {
      return write((c, fx) -> MessageOps.insert(c, fx, mailbox, m))
          .onErrorResume(e -> m.isInline() ? Mono.error(e) : blocking(() -> {
            files.delete(m.bodyId()); // never indexed: nothing references it
            return Boolean.TRUE;
          }).then(Mono.error(e)));
    }
  }

  private <T> Mono<T> blocking(Callable<T> c) {
    return Mono.fromCallable(c).subscribeOn(io);
  }

  @Override
  public Flux<MessageMeta> messages(MailboxId mailbox, UidSet uids) {
    // Keyset pages: a large mailbox is listed a page at a time, each page read only when the
    // previous one has been consumed, so neither a connection nor the heap holds all of it.
    return messagePage(mailbox, uids, 0)
        .expand(page -> page.size() < MESSAGE_PAGE ? Mono.empty()
            : messagePage(mailbox, uids, page.get(page.size() - 1).uid()))
        .concatMapIterable(l -> l, 1);
  }

  private Mono<List<MessageMeta>> messagePage(MailboxId mailbox, UidSet uids, long after) {
    return read(c -> MessageOps.page(c, mailbox, uids, after, MESSAGE_PAGE));
  }

  @Override
  public Flux<MessageMeta> changedSince(MailboxId mailbox, long modSeq) {
    return read(c -> MessageOps.select(c, mailbox, "modseq > ?", modSeq)).flatMapIterable(l -> l);
  }

  @Override
  public Flux<Long> vanishedSince(MailboxId mailbox, long modSeq) {
    return read(c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT uid FROM vanished WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
        ps.setLong(1, mailbox.value());
        ps.setLong(2, modSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    }).flatMapIterable(l -> l);
  }

  @Override
  public Mono<MessageStructure> structure(MailboxId mailbox, long uid) {
    return read(c -> StructureCodec.decode(MessageOps.structure(c, mailbox, uid)));
  }

  @Override
  public Flux<ByteBuffer> content(MailboxId mailbox, long uid, ByteRange range) {
    return read(c -> MessageOps.bodyId(c, mailbox, uid))
        .flatMapMany(id -> id.startsWith(Schema.INLINE_PREFIX)
            ? read(c -> MessageOps.inline(c, id, range)).flatMapMany(BodyChunks::of)
            : files.read(id, range).subscribeOn(io)
                // A body file goes only after the expunge of its last message commits: missing
                // just after its id was read, the message was expunged in between.
                .onErrorMap(NoSuchFileException.class, e -> new MailStoreException(
                    MailStoreException.Reason.NO_SUCH_MESSAGE, "no message " + uid, e)));
  }

  @Override
  public Mono<StoreResult> store(MailboxId mailbox, UidSet uids, FlagUpdate update) {
    return write((c, fx) -> MessageOps.store(c, fx, mailbox, uids, update));
  }

  @Override
  public Mono<CopyResult> copy(MailboxId from, UidSet uids, MailboxId to) {
    return write((c, fx) -> MessageOps.copy(c, fx, from, uids, to, false));
  }

  @Override
  public Mono<CopyResult> move(MailboxId from, UidSet uids, MailboxId to) {
    return write((c, fx) -> MessageOps.copy(c, fx, from, uids, to, true));
  }

  @Override
  public Mono<ExpungeResult> expunge(MailboxId mailbox, UidSet uids) {
    return write((c, fx) -> MessageOps.expunge(c, fx, mailbox, uids));
  }

  @Override
  public Flux<MailboxEvent> events(MailboxId mailbox) {
    return bus.events(mailbox);
  }

  @Override
  public void close() {
    writer.close();
    connections.close();
    io.dispose();
  }
}

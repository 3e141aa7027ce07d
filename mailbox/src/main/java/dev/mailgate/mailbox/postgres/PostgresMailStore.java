package dev.mailgate.mailbox.postgres;

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
import dev.mailgate.mailbox.store.SpecialUse;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.StoreResult;
import dev.mailgate.mailbox.store.UidSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link MailStore} in PostgreSQL, shareable by several gateway nodes: metadata and bodies in
 * one database ({@link PgSchema}), changes announced to every node with LISTEN/NOTIFY ({@link
 * PgListener}). JDBC runs on a bounded-elastic scheduler named {@code mailstore-pg-io}, capped at
 * {@link StoreLimits#ioThreads()}, with a pool of as many connections; nothing runs on the
 * caller's thread. A change is acknowledged after its COMMIT returned with {@code
 * synchronous_commit = on}, i.e. once the server has flushed it to its WAL.
 *
 * <p>Of {@link StoreLimits}, {@code writeQueue} and {@code groupCommit} do not apply (PostgreSQL
 * commits concurrent transactions itself) and {@code inlineBodyBytes} is the size up to which an
 * append is buffered in the heap rather than a temp file before it is stored.
 */
public final class PostgresMailStore implements MailStore {
  /** Longest a write waits for the local delivery of its own events before acknowledging anyway. */
  private static final Duration DELIVERY_WAIT = Duration.ofSeconds(2);

  private final StoreLimits limits;
  private final Scheduler io;
  private final PgConnections connections;
  private final PgTx tx;
  private final PgChangeBus bus;
  private final PgListener listener;

  private PostgresMailStore(String jdbcUrl, String user, String password, StoreLimits limits)
      throws SQLException {
    this.limits = limits;
    this.connections = new PgConnections(jdbcUrl, user, password, limits.ioThreads());
    Connection c = connections.borrow();
    try {
      PgSchema.apply(c);
    } finally {
      connections.release(c, false);
    }
    String name = UUID.randomUUID().toString().substring(0, 8);
    this.io = Schedulers.newBoundedElastic(limits.ioThreads(), limits.ioQueue(), "mailstore-pg-io-" + name, 60, true);
    PgDeliveries deliveries = new PgDeliveries();
    this.tx = new PgTx(connections, deliveries);
    this.bus = new PgChangeBus(limits.eventBacklog());
    try {
      this.listener = new PgListener(connections, bus, deliveries, name);
    } catch (SQLException e) {
      io.dispose();
      connections.close();
      throw e;
    }
  }

  /**
   * Opens the store in the database at {@code jdbcUrl} (e.g. {@code
   * jdbc:postgresql://db.example:5432/mail?sslmode=verify-full}), creating the schema if needed.
   * Every node of a cluster opens the same database.
   */
  public static PostgresMailStore open(String jdbcUrl, String user, String password, StoreLimits limits) {
    try {
      return new PostgresMailStore(jdbcUrl, user, password, limits);
    } catch (SQLException e) {
      throw new MailStoreException(MailStoreException.Reason.UNAVAILABLE,
          "cannot open the PostgreSQL store: " + e.getMessage(), e);
    }
  }

  /**
   * Runs one transaction on the I/O scheduler; once committed, waits (without blocking a thread)
   * until this node's listener has published the transaction's events, and completes on the I/O
   * scheduler.
   */
  private <T> Mono<T> run(PgTx.Work<T> work) {
    return Mono.fromCallable(() -> tx.run(work)).subscribeOn(io)
        .onErrorMap(e -> !(e instanceof MailStoreException), PostgresMailStore::unavailable)
        .flatMap(done -> done.delivered() == null || done.delivered().isDone()
            ? Mono.justOrEmpty(done.value())
            : Mono.fromFuture(done.delivered())
                .timeout(DELIVERY_WAIT, io)
                .onErrorResume(TimeoutException.class, e -> Mono.empty())
                .publishOn(io)
                .then(Mono.justOrEmpty(done.value())));
  }

  private interface Read<T> {
    T run(Connection c) throws Exception;
  }

  private <T> Mono<T> read(Read<T> work) {
    return run((c, fx) -> work.run(c));
  }

  private static MailStoreException unavailable(Throwable e) {
    return new MailStoreException(MailStoreException.Reason.UNAVAILABLE, e.toString(), e);
  }

  @Override
  public Mono<Void> provision(String user, Quota limits) {
    return run((c, fx) -> {
      PgMailboxOps.provision(c, user, limits);
      return Boolean.TRUE;
    }).then();
  }

  @Override
  public Mono<Void> deleteUser(String user) {
    return run((c, fx) -> {
      for (MailboxInfo b : PgMailboxOps.list(c, user)) {
        PgMessageOps.removeAll(c, fx, b.id(), user);
        MailboxKeywords.forget(c, b.id().value());
        long modSeq = Jdbc.queryLong(c, "SELECT highestmodseq FROM mailboxes WHERE id = ?", b.id().value());
        fx.event(new MailboxEvent.Deleted(b.id(), modSeq));
        Jdbc.update(c, "DELETE FROM vanished WHERE mailbox_id = ?", b.id().value());
      }
      Jdbc.update(c, "DELETE FROM mailboxes WHERE username = ?", user);
      Jdbc.update(c, "DELETE FROM subscriptions WHERE username = ?", user);
      Jdbc.update(c, "DELETE FROM accounts WHERE username = ?", user);
      return Boolean.TRUE;
    }).then();
  }

  @Override
  public Mono<Quota> quota(String user) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT storage_limit, storage_used,"
          + " message_limit, messages_used FROM accounts WHERE username = ?")) {
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
    return read(c -> PgMailboxOps.list(c, user)).flatMapIterable(l -> l);
  }

  @Override
  public Mono<MailboxInfo> mailbox(String user, MailboxName name) {
    return read(c -> PgMailboxOps.info(c, user, name));
  }

  @Override
  public Mono<MailboxInfo> create(String user, MailboxName name, Set<SpecialUse> specialUse) {
    if (specialUse.size() > 1) {
      return Mono.error(new MailStoreException(MailStoreException.Reason.CANNOT, "one special use per mailbox"));
    }
    SpecialUse su = specialUse.isEmpty() ? null : specialUse.iterator().next();
    return run((c, fx) -> {
      PgMailboxOps.create(c, user, name, su);
      return PgMailboxOps.info(c, user, name);
    });
  }

  @Override
  public Mono<Void> delete(String user, MailboxName name) {
    return run((c, fx) -> {
      PgMailboxOps.delete(c, fx, user, name);
      return Boolean.TRUE;
    }).then();
  }

  @Override
  public Mono<Void> rename(String user, MailboxName from, MailboxName to) {
    return run((c, fx) -> {
      PgMailboxOps.rename(c, fx, user, from, to);
      return Boolean.TRUE;
    }).then();
  }

  @Override
  public Mono<Long> claimRecent(MailboxId mailbox, long throughUid) {
    Mono<Long> first = read(c -> PgMailboxOps.firstRecentUid(c, mailbox, false));
    // Most SELECTs find nothing new to claim: only then is a locking write needed.
    return first.flatMap(f -> f > throughUid ? Mono.just(f) : run((c, fx) -> {
      long current = PgMailboxOps.firstRecentUid(c, mailbox, true);
      if (current <= throughUid) {
        Jdbc.update(c, "UPDATE mailboxes SET first_recent_uid = ? WHERE id = ?", throughUid + 1,
            mailbox.value());
      }
      return current;
    }));
  }

  @Override
  public Mono<Void> subscribe(String user, MailboxName name, boolean subscribed) {
    return run((c, fx) -> {
      if (subscribed) {
        PgMailboxOps.subscribe(c, user, name);
      } else {
        Jdbc.update(c, "DELETE FROM subscriptions WHERE username = ? AND name = ?", user, name.value());
      }
      return Boolean.TRUE;
    }).then();
  }

  @Override
  public Flux<MailboxName> subscriptions(String user) {
    return read(c -> {
      List<MailboxName> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name FROM subscriptions WHERE username = ? ORDER BY name COLLATE \"C\"")) {
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
    if (request.declaredSize() > limits.maxMessageBytes()) {
      return Mono.error(new MailStoreException(MailStoreException.Reason.TOO_BIG,
          "message larger than " + limits.maxMessageBytes()));
    }
    Mono<Boolean> precheck = request.declaredSize() < 0 ? Mono.just(Boolean.TRUE)
        : read(c -> {
          PgMessageOps.checkQuota(c, PgMessageOps.box(c, mailbox, false).user(),
              request.declaredSize(), 1, false);
          return Boolean.TRUE;
        });
    return precheck.then(Mono.usingWhen(
        blocking(() -> new AppendSpool(limits.maxMessageBytes(), limits.inlineBodyBytes())),
        spool -> message.publishOn(io, limits.appendPrefetch())
            .concatMap(buf -> {
              try {
                spool.write(buf);
                return Mono.empty();
              } catch (IOException e) {
                return Mono.error(e);
              }
            }, 0)
            .then(run((c, fx) -> store(c, fx, mailbox, request, spool))),
        spool -> blocking(() -> {
          spool.close();
          return Boolean.TRUE;
        })));
  }

  /** The append's transaction: body chunks first (no locks held), then UID, quota, index row. */
  private AppendResult store(Connection c, PgTx.Effects fx, MailboxId mailbox,
      AppendRequest request, AppendSpool spool) throws SQLException, IOException {
    spool.finish();
    MessageStructure s;
    try (InputStream in = spool.open()) {
      s = new StructureParser(limits.maxHeaderBytes()).parse(in);
    }
    long bodyId;
    try (InputStream in = spool.open()) {
      bodyId = PgBodies.insert(c, in, spool.size());
    }
    return PgMessageOps.insert(c, fx, mailbox, new PgMessageOps.NewMessage(request.flags(),
        request.internalDate(), spool.size(), bodyId, StructureCodec.encode(s), s.sentDate()));
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Path message) {
    Flux<ByteBuffer> chunks = Flux.using(
        () -> Files.newInputStream(message),
        in -> Flux.<ByteBuffer>generate(sink -> {
          try {
            byte[] b = in.readNBytes(PgBodies.CHUNK);
            if (b.length == 0) {
              sink.complete();
            } else {
              sink.next(ByteBuffer.wrap(b));
            }
          } catch (IOException e) {
            sink.error(e);
          }
        }),
        in -> {
          try {
            in.close();
          } catch (IOException ignored) {
            // read only: nothing was lost
          }
        }).subscribeOn(io);
    return append(mailbox, request, chunks);
  }

  private <T> Mono<T> blocking(java.util.concurrent.Callable<T> c) {
    return Mono.fromCallable(c).subscribeOn(io);
  }

  @Override
  public Flux<MessageMeta> messages(MailboxId mailbox, UidSet uids) {
    return read(c -> PgMessageOps.select(c, mailbox, uids)).flatMapIterable(l -> l);
  }

  @Override
  public Flux<MessageMeta> changedSince(MailboxId mailbox, long modSeq) {
    return read(c -> PgMessageOps.select(c, mailbox, "modseq > ?", modSeq)).flatMapIterable(l -> l);
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
    return read(c -> StructureCodec.decode(PgMessageOps.structure(c, mailbox, uid)));
  }

  /** One chunk per query, fetched only when requested: a large body never sits whole in the heap. */
  @Override
  public Flux<ByteBuffer> content(MailboxId mailbox, long uid, ByteRange range) {
    return read(c -> PgBodies.span(c, mailbox.value(), uid, range))
        .flatMapMany(span -> Flux.range(span.firstChunk(), span.chunks())
            .concatMap(seq -> read(c -> ByteBuffer.wrap(PgBodies.read(c, span, seq))), 0));
  }

  @Override
  public Mono<StoreResult> store(MailboxId mailbox, UidSet uids, FlagUpdate update) {
    return run((c, fx) -> PgMessageOps.store(c, fx, mailbox, uids, update));
  }

  @Override
  public Mono<CopyResult> copy(MailboxId from, UidSet uids, MailboxId to) {
    return run((c, fx) -> PgMessageOps.copy(c, fx, from, uids, to, false));
  }

  @Override
  public Mono<CopyResult> move(MailboxId from, UidSet uids, MailboxId to) {
    return run((c, fx) -> PgMessageOps.copy(c, fx, from, uids, to, true));
  }

  @Override
  public Mono<ExpungeResult> expunge(MailboxId mailbox, UidSet uids) {
    return run((c, fx) -> PgMessageOps.expunge(c, fx, mailbox, uids));
  }

  @Override
  public Flux<MailboxEvent> events(MailboxId mailbox) {
    return bus.events(mailbox);
  }

  @Override
  public void close() {
    listener.close();
    bus.failAll(new MailStoreException(MailStoreException.Reason.UNAVAILABLE, "store closed"));
    connections.close();
    io.dispose();
  }
}

package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.mime.MessageStructure;
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
import dev.mailgate.mailbox.store.StoreResult;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A store that lets a test put another session's change exactly between two steps of a command:
 * {@link #before} runs a change once, just before the next call of an operation; {@link #after}
 * once, just after the next call completes. Everything else goes to the real store, so the race
 * the stress checker finds by chance (benchmarks/imap-stress) happens every time.
 */
final class RacingMailStore implements MailStore {
  /** The operations a race can be put around. */
  enum Op { MESSAGES, STRUCTURE, CONTENT, STORE, EXPUNGE }

  private final MailStore store;
  private final Map<Op, Mono<?>> before = new ConcurrentHashMap<>();
  private final Map<Op, Mono<?>> after = new ConcurrentHashMap<>();
  private final AtomicReference<Mono<?>> betweenChunks = new AtomicReference<>();

  RacingMailStore(MailStore store) {
    this.store = store;
  }

  /** Runs {@code change} once, before the next {@code op} starts. */
  void before(Op op, Mono<?> change) {
    before.put(op, change);
  }

  /** Runs {@code change} once, after the next {@code op} completed. */
  void after(Op op, Mono<?> change) {
    after.put(op, change);
  }

  /**
   * Runs {@code change} once, after the next content read emitted its first chunk; the read then
   * fails with NO_SUCH_MESSAGE instead of going on. That is what a {@code PostgresMailStore} read
   * does when the message is expunged between two of its chunk queries (PostgresBodiesTest shows
   * it); the SQLite store under this one keeps its open file and would read on.
   */
  void betweenChunks(Mono<?> change) {
    betweenChunks.set(change);
  }

  private <T> Mono<T> around(Op op, Mono<T> call) {
    return Mono.defer(() -> {
      Mono<?> first = before.remove(op);
      Mono<?> then = after.remove(op);
      Mono<T> run = first == null ? call : first.then(call);
      return then == null ? run : run.flatMap(t -> then.thenReturn(t));
    });
  }

  private <T> Flux<T> around(Op op, Flux<T> call) {
    return Flux.defer(() -> {
      Mono<?> first = before.remove(op);
      Mono<?> then = after.remove(op);
      Flux<T> run = first == null ? call : first.thenMany(call);
      return then == null ? run : run.concatWith(then.then(Mono.empty()));
    });
  }

  @Override
  public Mono<Void> provision(String user, Quota limits) {
    return store.provision(user, limits);
  }

  @Override
  public Mono<Void> deleteUser(String user) {
    return store.deleteUser(user);
  }

  @Override
  public Mono<Quota> quota(String user) {
    return store.quota(user);
  }

  @Override
  public Flux<MailboxInfo> mailboxes(String user) {
    return store.mailboxes(user);
  }

  @Override
  public Mono<MailboxInfo> mailbox(String user, MailboxName name) {
    return store.mailbox(user, name);
  }

  @Override
  public Mono<MailboxInfo> create(String user, MailboxName name, Set<SpecialUse> specialUse) {
    return store.create(user, name, specialUse);
  }

  @Override
  public Mono<Void> delete(String user, MailboxName name) {
    return store.delete(user, name);
  }

  @Override
  public Mono<Void> rename(String user, MailboxName from, MailboxName to) {
    return store.rename(user, from, to);
  }

  @Override
  public Mono<Void> subscribe(String user, MailboxName name, boolean subscribed) {
    return store.subscribe(user, name, subscribed);
  }

  @Override
  public Flux<MailboxName> subscriptions(String user) {
    return store.subscriptions(user);
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Flux<ByteBuffer> message) {
    return store.append(mailbox, request, message);
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Path message) {
    return store.append(mailbox, request, message);
  }

  @Override
  public Flux<MessageMeta> messages(MailboxId mailbox, UidSet uids) {
    return around(Op.MESSAGES, store.messages(mailbox, uids));
  }

  @Override
  public Flux<MessageMeta> changedSince(MailboxId mailbox, long modSeq) {
    return store.changedSince(mailbox, modSeq);
  }

  @Override
  public Flux<Long> vanishedSince(MailboxId mailbox, long modSeq) {
    return store.vanishedSince(mailbox, modSeq);
  }

  @Override
  public Mono<MessageStructure> structure(MailboxId mailbox, long uid) {
    return around(Op.STRUCTURE, store.structure(mailbox, uid));
  }

  @Override
  public Flux<ByteBuffer> content(MailboxId mailbox, long uid, ByteRange range) {
    Flux<ByteBuffer> read = around(Op.CONTENT, store.content(mailbox, uid, range));
    Mono<?> change = betweenChunks.getAndSet(null);
    if (change == null) {
      return read;
    }
    return read.take(1).concatWith(change.then(Mono.error(new MailStoreException(
        MailStoreException.Reason.NO_SUCH_MESSAGE, "body gone"))));
  }

  @Override
  public Mono<Long> claimRecent(MailboxId mailbox, long throughUid) {
    return store.claimRecent(mailbox, throughUid);
  }

  @Override
  public Mono<StoreResult> store(MailboxId mailbox, UidSet uids, FlagUpdate update) {
    return around(Op.STORE, store.store(mailbox, uids, update));
  }

  @Override
  public Mono<CopyResult> copy(MailboxId from, UidSet uids, MailboxId to) {
    return store.copy(from, uids, to);
  }

  @Override
  public Mono<CopyResult> move(MailboxId from, UidSet uids, MailboxId to) {
    return store.move(from, uids, to);
  }

  @Override
  public Mono<ExpungeResult> expunge(MailboxId mailbox, UidSet uids) {
    return around(Op.EXPUNGE, store.expunge(mailbox, uids));
  }

  @Override
  public Flux<MailboxEvent> events(MailboxId mailbox) {
    return store.events(mailbox);
  }

  @Override
  public void close() {
    store.close();
  }
}

package dev.mailgate.gateway.metrics;

import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.CopyResult;
import dev.mailgate.mailbox.store.ExpungeResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.MailStore;
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
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The local store with every operation counted and timed into {@code
 * mailgate_store_operation_seconds{operation,outcome}}: from subscription to the last signal, so a
 * streamed operation ({@code content}, {@code messages}) includes the time its reader took. A
 * cancelled operation (the client went away) is not recorded. The long-lived change stream ({@link
 * #events}) is passed through untimed.
 */
public final class MeteredMailStore implements MailStore {
  private final MailStore store;
  private final GatewayMetrics metrics;

  public MeteredMailStore(MailStore store, GatewayMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  @Override
  public Mono<Void> provision(String user, Quota limits) {
    return timed("provision", store.provision(user, limits));
  }

  @Override
  public Mono<Void> deleteUser(String user) {
    return timed("delete_user", store.deleteUser(user));
  }

  @Override
  public Mono<Quota> quota(String user) {
    return timed("quota", store.quota(user));
  }

  @Override
  public Mono<Long> claimRecent(MailboxId mailbox, long throughUid) {
    return timed("claim_recent", store.claimRecent(mailbox, throughUid));
  }

  @Override
  public Flux<MailboxInfo> mailboxes(String user) {
    return timed("mailboxes", store.mailboxes(user));
  }

  @Override
  public Mono<MailboxInfo> mailbox(String user, MailboxName name) {
    return timed("mailbox", store.mailbox(user, name));
  }

  @Override
  public Mono<MailboxInfo> create(String user, MailboxName name, Set<SpecialUse> specialUse) {
    return timed("create", store.create(user, name, specialUse));
  }

  @Override
  public Mono<Void> delete(String user, MailboxName name) {
    return timed("delete", store.delete(user, name));
  }

  @Override
  public Mono<Void> rename(String user, MailboxName from, MailboxName to) {
    return timed("rename", store.rename(user, from, to));
  }

  @Override
  public Mono<Void> subscribe(String user, MailboxName name, boolean subscribed) {
    return timed("subscribe", store.subscribe(user, name, subscribed));
  }

  @Override
  public Flux<MailboxName> subscriptions(String user) {
    return timed("subscriptions", store.subscriptions(user));
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Flux<ByteBuffer> message) {
    return timed("append", store.append(mailbox, request, message));
  }

  @Override
  public Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Path message) {
    return timed("append", store.append(mailbox, request, message));
  }

  @Override
  public Flux<MessageMeta> messages(MailboxId mailbox, UidSet uids) {
    return timed("messages", store.messages(mailbox, uids));
  }

  @Override
  public Flux<MessageMeta> changedSince(MailboxId mailbox, long modSeq) {
    return timed("changed_since", store.changedSince(mailbox, modSeq));
  }

  @Override
  public Flux<Long> vanishedSince(MailboxId mailbox, long modSeq) {
    return timed("vanished_since", store.vanishedSince(mailbox, modSeq));
  }

  @Override
  public Mono<MessageStructure> structure(MailboxId mailbox, long uid) {
    return timed("structure", store.structure(mailbox, uid));
  }

  @Override
  public Flux<ByteBuffer> content(MailboxId mailbox, long uid, ByteRange range) {
    return timed("content", store.content(mailbox, uid, range));
  }

  @Override
  public Mono<StoreResult> store(MailboxId mailbox, UidSet uids, FlagUpdate update) {
    return timed("store", store.store(mailbox, uids, update));
  }

  @Override
  public Mono<CopyResult> copy(MailboxId from, UidSet uids, MailboxId to) {
    return timed("copy", store.copy(from, uids, to));
  }

  @Override
  public Mono<CopyResult> move(MailboxId from, UidSet uids, MailboxId to) {
    return timed("move", store.move(from, uids, to));
  }

  @Override
  public Mono<ExpungeResult> expunge(MailboxId mailbox, UidSet uids) {
    return timed("expunge", store.expunge(mailbox, uids));
  }

  @Override
  public Flux<MailboxEvent> events(MailboxId mailbox) {
    return store.events(mailbox);
  }

  @Override
  public void close() {
    store.close();
  }

  private <T> Mono<T> timed(String operation, Mono<T> op) {
    return Mono.defer(() -> {
      long start = System.nanoTime();
      return op.doFinally(s -> record(operation, start, s));
    });
  }

  private <T> Flux<T> timed(String operation, Flux<T> op) {
    return Flux.defer(() -> {
      long start = System.nanoTime();
      return op.doFinally(s -> record(operation, start, s));
    });
  }

  private void record(String operation, long start, SignalType signal) {
    if (signal != SignalType.CANCEL) {
      metrics.storeOperation(operation, Duration.ofNanos(System.nanoTime() - start), signal == SignalType.ON_COMPLETE);
    }
  }
}

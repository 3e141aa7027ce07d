package dev.mailgate.gateway.app;

import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.user.UserStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Gives every local user a mailbox account (INBOX and the special-use folders, with {@code
 * local.quota}) in the running gateway's store. {@code mailgate user add} runs in another process
 * and only writes {@code users.db}: it must not open the store, whose start-up recovery would
 * remove the running gateway's appends in progress. So the gateway, which owns the store, checks
 * the user list every {@code interval} and provisions the new names ({@link MailStore#provision} is
 * idempotent). The local servers call {@link #ensure} for a user they meet before that (a login or
 * a delivery right after {@code user add}), so the account gets the configured quota either way.
 */
public final class LocalAccounts implements MailboxProvisioning, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalAccounts.class);

  private final UserStore users;
  private final MailStore store;
  private final LongSupplier quotaBytes;
  private final Set<String> provisioned = ConcurrentHashMap.newKeySet();
  private final Disposable task;

  /**
   * @param quotaBytes the storage limit for new accounts ({@code local.quota}; 0 = unlimited)
   */
  public LocalAccounts(UserStore users, MailStore store, LongSupplier quotaBytes, Duration interval) {
    this.users = users;
    this.store = store;
    this.quotaBytes = quotaBytes;
    this.task = Flux.interval(Duration.ZERO, interval, Schedulers.parallel())
        .onBackpressureDrop()
        .concatMap(t -> sync().onErrorResume(e -> {
          LOG.warn("local accounts: provisioning failed, retrying: {}", e.toString());
          return Mono.empty();
        }), 1)
        .subscribe();
  }

  /** Provisions every user not provisioned yet by this process. */
  public Mono<Void> sync() {
    return users.list()
        .map(UserStore.UserInfo::name)
        .filter(n -> !provisioned.contains(n))
        .concatMap(this::ensure)
        .then();
  }

  @Override
  public Mono<Void> ensure(String user) {
    if (provisioned.contains(user)) {
      return Mono.empty();
    }
    return store.provision(user, limits()).doOnSuccess(v -> {
      if (provisioned.add(user)) {
        LOG.info("local accounts: {} ready", user);
      }
    });
  }

  private Quota limits() {
    long q = quotaBytes.getAsLong();
    return Quota.limits(q <= 0 ? Quota.UNLIMITED : q, Quota.UNLIMITED);
  }

  @Override
  public void close() {
    task.dispose();
  }
}

package dev.mailgate.gateway.local;

import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.Quota;
import reactor.core.publisher.Mono;

/**
 * Gives a local user their mailbox account (INBOX and the special-use folders) the first time the
 * local tier needs it. {@code mailgate user add} runs in another process and only writes the user
 * list, so a user can log in or be sent mail before the gateway's periodic provisioning has seen
 * them; the local servers then provision on the spot instead of refusing, with the same limits.
 */
@FunctionalInterface
public interface MailboxProvisioning {

  /** Provisions {@code user}'s account if it is not there yet; an existing account is left as is. */
  Mono<Void> ensure(String user);

  /** Provisioning without a quota, for a store run without configured limits (tests, benchmarks). */
  static MailboxProvisioning unlimited(MailStore store) {
    return user -> store.provision(user, Quota.unlimited());
  }
}

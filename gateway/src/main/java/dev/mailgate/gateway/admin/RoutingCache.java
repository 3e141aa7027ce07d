package dev.mailgate.gateway.admin;

import reactor.core.publisher.Mono;

/**
 * Answers {@code POST /routing/invalidate}: drop cached routing lookups so that the next login of
 * a user asks the lookup again (after moving a mailbox to another backend). Reactive because a
 * shared cache (Redis) may sit behind it later.
 */
public interface RoutingCache {

  /** Drops every cached route. */
  Mono<Void> invalidateAll();

  /** Drops the cached route of one user. */
  Mono<Void> invalidateUser(String user);
}

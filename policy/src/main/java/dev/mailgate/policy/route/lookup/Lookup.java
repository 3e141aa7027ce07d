package dev.mailgate.policy.route.lookup;

import reactor.core.publisher.Mono;

/**
 * A per-user (or per-domain) map from a name to a route target. Implementations must not block
 * the calling thread: file and network I/O run on their own bounded scheduler or client. A
 * transient failure (service down) is an error signal, never {@link LookupResult.NotFound}, so
 * that it is not cached as a negative answer.
 */
public interface Lookup {
  /** The configured name, used in explanations. */
  String name();

  Mono<LookupResult> find(LookupQuery query);
}

package dev.mailgate.policy;

import reactor.core.publisher.Mono;

/**
 * A policy that decides in memory, without I/O. The chain calls {@link #decide} directly when all
 * its policies are synchronous, so a check costs no reactive assembly.
 */
public interface SyncPolicy extends Policy {
  Decision decide(PolicyFacts facts);

  /** Lazy: counters are charged when subscribed, once per subscription. */
  @Override
  default Mono<Decision> check(PolicyFacts facts) {
    return Mono.fromSupplier(() -> decide(facts));
  }
}

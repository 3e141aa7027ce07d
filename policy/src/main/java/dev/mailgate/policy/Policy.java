package dev.mailgate.policy;

import reactor.core.publisher.Mono;

/**
 * One small, named strategy over {@link PolicyFacts} (STYLE.md, "What we take", 6). It never sees
 * the network and never blocks; stages it does not care about get {@link Decision#ALLOW}.
 */
public interface Policy {
  /** The rule's configured name: the label of refusals in metrics and logs. */
  String name();

  Mono<Decision> check(PolicyFacts facts);
}

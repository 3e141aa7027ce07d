package dev.mailgate.policy.message;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;

/**
 * Recipients per message, checked at each RCPT: the one past the limit gets {@code 452 4.5.3}
 * (RFC 5321 section 4.5.3.1.10) and the client sends the rest in another transaction.
 */
public final class RecipientLimitPolicy implements SyncPolicy {
  private final String name;
  private final int max;

  public RecipientLimitPolicy(String name, int max) {
    this.name = name;
    this.max = max;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.RCPT || facts.recipientCount() <= max) {
      return Decision.ALLOW;
    }
    return new Decision.Deny("more than " + max + " recipients", name,
        DenyKind.TOO_MANY_RECIPIENTS);
  }
}

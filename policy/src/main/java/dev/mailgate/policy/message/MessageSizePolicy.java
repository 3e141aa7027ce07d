package dev.mailgate.policy.message;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;

/**
 * The largest message: refused early at MAIL FROM when the declared SIZE (RFC 1870) is over, and
 * at DATA when the received message is. The gateway advertises the same number in EHLO SIZE and
 * gives the codec the same limit so the body is never buffered past it.
 */
public final class MessageSizePolicy implements SyncPolicy {
  private final String name;
  private final long maxBytes;

  public MessageSizePolicy(String name, long maxBytes) {
    this.name = name;
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return name;
  }

  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public Decision decide(PolicyFacts facts) {
    boolean applies = facts.stage() == Stage.MAIL_FROM || facts.stage() == Stage.DATA;
    if (!applies || facts.messageSize() <= maxBytes) {
      return Decision.ALLOW;
    }
    return new Decision.Deny("message size " + facts.messageSize() + " exceeds " + maxBytes
        + " bytes", name, DenyKind.TOO_BIG);
  }
}

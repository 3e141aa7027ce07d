package dev.mailgate.policy.limit;

import java.util.Map;
import java.util.Set;

/**
 * SMTP message policies: the largest message in bytes (advertised as EHLO SIZE, RFC 1870), the
 * most recipients per message (RFC 5321 section 4.5.3.1.8 requires accepting at least 100), and
 * whether the envelope sender must belong to the authenticated user, who also owns the addresses
 * listed for them in {@code senderAliases} (user to addresses, compared without case).
 */
public record MessageLimits(
    long maxMessageSize, int maxRecipients, boolean senderMustMatchUser,
    Map<String, Set<String>> senderAliases) {

  public static final MessageLimits DEFAULT =
      new MessageLimits(50L * 1024 * 1024, 100, true, Map.of());

  public MessageLimits {
    if (maxMessageSize < 1 || maxRecipients < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    senderAliases = Map.copyOf(senderAliases);
  }
}

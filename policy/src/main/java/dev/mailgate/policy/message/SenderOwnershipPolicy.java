package dev.mailgate.policy.message;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An authenticated client may only use its own address as envelope sender (no spoofing; RFC 6409
 * section 6.1 lets a submission server enforce this). Owned addresses: the login name itself, and
 * the user's aliases, where an alias {@code @example.org} stands for every address of the domain.
 * Comparison ignores case. The null reverse-path {@code <>} is allowed (it names nobody). Checked
 * at MAIL FROM; unauthenticated sessions are not concerned (relay rules apply to them).
 */
public final class SenderOwnershipPolicy implements SyncPolicy {
  private final String name;
  private final Map<String, Set<String>> aliases;

  /** @param aliases lower-case user to lower-case addresses or {@code @domain} entries */
  public SenderOwnershipPolicy(String name, Map<String, Set<String>> aliases) {
    this.name = name;
    this.aliases = Map.copyOf(aliases);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.MAIL_FROM || !facts.authenticated() || facts.sender() == null
        || facts.sender().isEmpty()) {
      return Decision.ALLOW;
    }
    String user = facts.user().toLowerCase(Locale.ROOT);
    String sender = facts.sender().toLowerCase(Locale.ROOT);
    if (sender.equals(user)) {
      return Decision.ALLOW;
    }
    Set<String> owned = aliases.getOrDefault(user, Set.of());
    int at = sender.lastIndexOf('@');
    if (owned.contains(sender) || (at >= 0 && owned.contains(sender.substring(at)))) {
      return Decision.ALLOW;
    }
    return new Decision.Deny("sender address does not belong to the authenticated user", name,
        DenyKind.SENDER_MISMATCH);
  }
}

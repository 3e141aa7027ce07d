package dev.mailgate.policy.auth;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.SyncPolicy;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.Stage;
import dev.mailgate.policy.net.Cidr;
import java.util.List;
import java.util.Map;

/**
 * Refuses a login over a plaintext connection (RFC 8314 section 4; IMAP LOGINDISABLED, RFC 9051
 * section 6.2.3), except from the listener's {@code allow_plaintext_auth} networks (loopback when
 * the listener is not listed). Turned off entirely by {@code require_tls_for_auth: false}.
 */
public final class TlsBeforeAuthPolicy implements SyncPolicy {
  private final String name;
  private final boolean required;
  private final Map<String, List<Cidr>> plaintextAllowed;

  public TlsBeforeAuthPolicy(String name, boolean required,
      Map<String, List<Cidr>> plaintextAllowedByListener) {
    this.name = name;
    this.required = required;
    this.plaintextAllowed = Map.copyOf(plaintextAllowedByListener);
  }

  @Override
  public String name() {
    return name;
  }

  /** Whether a plaintext login would be allowed: the gateway uses it to advertise LOGINDISABLED. */
  public boolean plaintextLoginAllowed(PolicyFacts facts) {
    return !required || facts.tls() || Cidr.anyContains(
        plaintextAllowed.getOrDefault(facts.listener(), Cidr.LOOPBACK), facts.clientIp());
  }

  @Override
  public Decision decide(PolicyFacts facts) {
    if (facts.stage() != Stage.AUTH || plaintextLoginAllowed(facts)) {
      return Decision.ALLOW;
    }
    return new Decision.Deny("TLS is required before authentication", name,
        DenyKind.TLS_REQUIRED);
  }
}

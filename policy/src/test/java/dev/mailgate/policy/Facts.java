package dev.mailgate.policy;

import dev.mailgate.policy.net.IpLiterals;
import java.net.InetAddress;

/** Test facts. */
public final class Facts {
  private Facts() {}

  public static InetAddress ip(String s) {
    return IpLiterals.parse(s).orElseThrow();
  }

  public static PolicyFacts connect(String ip) {
    return PolicyFacts.connect(ip(ip), "submission", MailProtocol.SUBMISSION, false);
  }

  public static PolicyFacts authenticated(String ip, String user) {
    return connect(ip).withTls().withAuthenticated(user);
  }
}

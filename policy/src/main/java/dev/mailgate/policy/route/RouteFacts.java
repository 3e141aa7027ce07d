package dev.mailgate.policy.route;

import dev.mailgate.policy.MailProtocol;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * What routing knows about a session. {@code user} is the login name (null on a port-25 session,
 * which routes by the recipient's domain); {@code domain} defaults to the part of the user after
 * the last {@code @}.
 */
public record RouteFacts(
    String user,
    String domain,
    String listener,
    MailProtocol protocol,
    InetAddress clientIp,
    boolean tls) {

  public RouteFacts {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(clientIp, "clientIp");
    if (domain == null && user != null) {
      int at = user.lastIndexOf('@');
      domain = at >= 0 ? user.substring(at + 1) : null;
    }
    if (domain != null) {
      domain = domain.toLowerCase(Locale.ROOT);
    }
  }

  /** Facts for a logged-in (or logging-in) user. */
  public static RouteFacts forUser(
      String user, String listener, MailProtocol protocol, InetAddress clientIp, boolean tls) {
    return new RouteFacts(user, null, listener, protocol, clientIp, tls);
  }

  /** Facts for an unauthenticated port-25 transaction, routed by a recipient's domain. */
  public static RouteFacts forDomain(
      String domain, String listener, MailProtocol protocol, InetAddress clientIp, boolean tls) {
    return new RouteFacts(null, domain, listener, protocol, clientIp, tls);
  }
}

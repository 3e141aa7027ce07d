package dev.mailgate.policy;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * What policies know about one step of a session. Built with {@link #connect} and the
 * {@code with...} methods as the session goes on; immutable.
 *
 * @param stage the step being checked
 * @param clientIp the real client address (after PROXY protocol)
 * @param listener the listener's configured name
 * @param protocol the listener's protocol
 * @param tls whether the connection is encrypted now
 * @param user the login name being tried (AUTH) or authenticated (later stages), else null
 * @param authenticated whether {@code user} has logged in
 * @param sender SMTP MAIL FROM address ({@code ""} for the null reverse-path), else null
 * @param recipient SMTP RCPT TO address at RCPT, else null
 * @param recipientCount recipients in the transaction including this one (RCPT)
 * @param messageSize declared SIZE at MAIL_FROM (0 when none), actual size at DATA
 */
public record PolicyFacts(
    Stage stage,
    InetAddress clientIp,
    String listener,
    MailProtocol protocol,
    boolean tls,
    String user,
    boolean authenticated,
    String sender,
    String recipient,
    int recipientCount,
    long messageSize) {

  public PolicyFacts {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(clientIp, "clientIp");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(protocol, "protocol");
  }

  public static PolicyFacts connect(InetAddress clientIp, String listener, MailProtocol protocol,
      boolean tls) {
    return new PolicyFacts(Stage.CONNECT, clientIp, listener, protocol, tls, null, false, null,
        null, 0, 0);
  }

  /** A login attempt by {@code loginName}. */
  public PolicyFacts withAuthAttempt(String loginName, boolean tlsNow) {
    return new PolicyFacts(Stage.AUTH, clientIp, listener, protocol, tlsNow, loginName, false,
        null, null, 0, 0);
  }

  /** After a successful login. */
  public PolicyFacts withAuthenticated(String loginName) {
    return new PolicyFacts(Stage.COMMAND, clientIp, listener, protocol, tls, loginName, true,
        null, null, 0, 0);
  }

  public PolicyFacts withTls() {
    return new PolicyFacts(stage, clientIp, listener, protocol, true, user, authenticated, sender,
        recipient, recipientCount, messageSize);
  }

  public PolicyFacts withCommand() {
    return new PolicyFacts(Stage.COMMAND, clientIp, listener, protocol, tls, user, authenticated,
        sender, recipient, recipientCount, messageSize);
  }

  public PolicyFacts withMailFrom(String reversePath, long declaredSize) {
    return new PolicyFacts(Stage.MAIL_FROM, clientIp, listener, protocol, tls, user,
        authenticated, reversePath, null, 0, declaredSize);
  }

  public PolicyFacts withRcpt(String forwardPath, int countIncludingThis) {
    return new PolicyFacts(Stage.RCPT, clientIp, listener, protocol, tls, user, authenticated,
        sender, forwardPath, countIncludingThis, messageSize);
  }

  public PolicyFacts withData(long size) {
    return new PolicyFacts(Stage.DATA, clientIp, listener, protocol, tls, user, authenticated,
        sender, null, recipientCount, size);
  }

  /** The domain of {@code user} (after the last {@code @}), lower-case, or null. */
  public String userDomain() {
    if (user == null) {
      return null;
    }
    int at = user.lastIndexOf('@');
    return at < 0 ? null : user.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}

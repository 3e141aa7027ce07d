package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.sasl.SaslCredentials;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What an SMTP session knows about its client when a transaction starts: the facts a
 * {@link TransactionSink} may use for routing, policy and trace headers (RFC 5321 4.4).
 *
 * @param serverHost the host name the gateway greets with
 * @param helo the HELO/EHLO argument as sent (never contains CR or LF)
 * @param extended whether the client used EHLO (ESMTP) rather than HELO
 * @param client the real client address (PROXY header or TCP peer)
 * @param tlsProtocol the TLS protocol (e.g. {@code TLSv1.3}), or {@code null} in plaintext
 * @param tlsCipher the TLS cipher suite, or {@code null} in plaintext
 * @param authenticatedUser the canonical local user after a successful AUTH, or {@code null}
 * @param submission whether the listener is a submission listener (RFC 6409)
 * @param login the client's own credentials, kept only when the session's {@link SmtpAccounts}
 *     passes logins through to a backend (replayed there for each transaction); else {@code null}
 */
public record SessionFacts(
    String serverHost,
    String helo,
    boolean extended,
    InetSocketAddress client,
    String tlsProtocol,
    String tlsCipher,
    String authenticatedUser,
    boolean submission,
    SaslCredentials login) {

  public SessionFacts {
    Objects.requireNonNull(serverHost, "serverHost");
    Objects.requireNonNull(helo, "helo");
    Objects.requireNonNull(client, "client");
  }

  /** Facts without kept credentials. */
  public SessionFacts(String serverHost, String helo, boolean extended, InetSocketAddress client,
      String tlsProtocol, String tlsCipher, String authenticatedUser, boolean submission) {
    this(serverHost, helo, extended, client, tlsProtocol, tlsCipher, authenticatedUser, submission, null);
  }

  public boolean isTls() {
    return tlsProtocol != null;
  }

  public boolean isAuthenticated() {
    return authenticatedUser != null;
  }
}

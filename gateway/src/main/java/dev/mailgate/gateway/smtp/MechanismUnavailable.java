package dev.mailgate.gateway.smtp;

/**
 * Fails an {@link SmtpAccounts#authenticate} whose credentials cannot be checked with the mechanism
 * the client chose, for this account (a bearer token for a user whose backend offers no token
 * mechanism). The client gets {@code 504 5.5.4} (RFC 4954 4: the mechanism is not supported) and
 * may try another one; a temporary {@code 454} would only make it retry the same token forever.
 */
public final class MechanismUnavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MechanismUnavailable(String why) {
    super(why, null, false, false);
  }
}

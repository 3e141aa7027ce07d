package dev.mailgate.config.model;

/**
 * A master user for logging in to a backend on a user's behalf, in Dovecot's
 * {@code user<separator>master} form (separator {@code *} by default). Never printed.
 */
public record MasterUserConfig(String user, String password, String separator) {
  /** The login name for {@code forUser}: {@code forUser + separator + user}. */
  public String loginFor(String forUser) {
    return forUser + separator + user;
  }

  @Override
  public String toString() {
    return "MasterUserConfig[user=" + user + ", password=***, separator=" + separator + "]";
  }
}

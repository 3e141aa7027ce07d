package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.sasl.Secret;
import java.util.Objects;

/**
 * Log in to the backend as a master user on the user's behalf, Dovecot's {@code user*master} form
 * ({@code auth_master_user_separator = *}). Only safe when the gateway itself verified the user's
 * credentials, so the session refuses to use it without a {@link LoginVerifier}.
 *
 * @param separator the separator between user and master name ({@code *} for Dovecot)
 * @param masterUser the master user's name
 * @param password the master user's password
 */
public record MasterLogin(String separator, String masterUser, Secret password) {

  public MasterLogin {
    Objects.requireNonNull(separator, "separator");
    Objects.requireNonNull(masterUser, "masterUser");
    Objects.requireNonNull(password, "password");
  }

  /** The login name to send for {@code user}. */
  public String loginName(String user) {
    return user + separator + masterUser;
  }
}

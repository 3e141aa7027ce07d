package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendUnavailable;
import dev.mailgate.gateway.smtp.MechanismUnavailable;
import dev.mailgate.gateway.smtp.SessionFacts;
import dev.mailgate.gateway.smtp.SmtpAccounts;
import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Logins passed through to the backend that owns the account (DESIGN.md "pass-through"
 * authentication): the gateway opens a session to the user's backend, replays the client's AUTH
 * there, and answers the client with the outcome. The credentials are then kept by the session and
 * replayed to the backend for each relayed transaction ({@link #keepsCredentials()}).
 *
 * <p>A backend's refusal ({@code 535}) is a refused login; a backend that cannot be reached, or
 * that fails with a temporary reply, makes the check fail (the client gets {@code 454 4.7.0} and
 * may try again). Sender ownership is the backend's to enforce (Postfix's {@code
 * reject_sender_login_mismatch}); the gateway does not know the backend's aliases.
 */
public final class BackendAccounts implements SmtpAccounts {

  private static final Logger LOG = LoggerFactory.getLogger(BackendAccounts.class);

  /** Passwords and bearer tokens (RFC 7628 OAUTHBEARER, Google's XOAUTH2): the backend checks them. */
  private static final Set<SaslMechanism> MECHANISMS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
      SaslMechanism.PLAIN, SaslMechanism.LOGIN, SaslMechanism.XOAUTH2, SaslMechanism.OAUTHBEARER)));

  private final BackendSmtpClient client;
  private final Function<String, Mono<List<Backend>>> route;

  /**
   * @param client opens backend sessions
   * @param route the backends of a user, in failover order (empty: the user has no route, refused)
   */
  public BackendAccounts(BackendSmtpClient client, Function<String, Mono<List<Backend>>> route) {
    this.client = Objects.requireNonNull(client, "client");
    this.route = Objects.requireNonNull(route, "route");
  }

  @Override
  public Mono<String> authenticate(SaslCredentials credentials, SessionFacts session) {
    String user = credentials.user();
    return route.apply(user)
        .flatMap(backends -> backends.isEmpty()
            ? Mono.<String>empty()
            : client.open(backends, BackendRelaySink.clientFacts(session), BackendLogin.of(credentials))
                .flatMap(tx -> tx.quit().thenReturn(user)))
        .onErrorResume(BackendSmtpException.class, e -> {
          if (e.reply() == BackendReplies.NO_TOKEN_MECHANISM) {
            LOG.info("AUTH for {}: {}", user, e.getMessage());
            return Mono.error(new MechanismUnavailable(e.getMessage()));
          }
          if (e.reply().isPermanentFailure()) {
            LOG.info("AUTH for {} refused by the backend: {}", user, e.reply().code());
            return Mono.empty();
          }
          return Mono.error(e);
        })
        .doOnError(BackendUnavailable.class, e -> LOG.info("AUTH for {}: {}", user, e.getMessage()));
  }

  @Override
  public Set<SaslMechanism> mechanisms() {
    return MECHANISMS;
  }

  @Override
  public Mono<Boolean> mayUseSender(String user, String sender) {
    return Mono.just(true);
  }

  @Override
  public boolean keepsCredentials() {
    return true;
  }
}

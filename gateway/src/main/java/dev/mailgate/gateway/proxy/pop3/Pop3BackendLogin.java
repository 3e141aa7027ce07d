package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.pop3.Pop3Authenticator;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import dev.mailgate.gateway.pop3.Pop3LoginResult;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Replays a client's POP3 login to a backend (issue 3 item 4): asks the {@link BackendChooser},
 * connects through the {@link BackendConnector} (circuit breaker, retries, failover), optionally
 * sends a PROXY v2 header with the client's address, reads the greeting, upgrades with STLS when
 * the backend is configured for STARTTLS (RFC 2595 section 4), reads CAPA (RFC 2449) and logs in
 * with the client's credentials: AUTH PLAIN with an initial response when offered (RFC 5034),
 * else USER/PASS (RFC 1939), else AUTH LOGIN, translating the client's mechanism as needed.
 *
 * <p>Outcomes (PRODUCT.md): no backend reachable, a broken backend or a timeout: {@code -ERR
 * [SYS/TEMP]}; the backend refused the credentials: {@code -ERR [AUTH]} (its {@code [IN-USE]},
 * {@code [LOGIN-DELAY]} or {@code [SYS/TEMP]} passed on); the backend connection is closed and the
 * client session stays in AUTHORIZATION. Never logs the password.
 */
final class Pop3BackendLogin implements Pop3Authenticator<BackendDialogue> {

  private static final Logger LOG = LoggerFactory.getLogger(Pop3BackendLogin.class);
  private static final List<SaslMechanism> MECHANISMS =
      List.of(SaslMechanism.PLAIN, SaslMechanism.LOGIN, SaslMechanism.XOAUTH2, SaslMechanism.OAUTHBEARER);

  private final BackendConnector connector;
  private final BackendChooser chooser;
  private final Pop3ProxySettings settings;

  Pop3BackendLogin(BackendConnector connector, BackendChooser chooser, Pop3ProxySettings settings) {
    this.connector = connector;
    this.chooser = chooser;
    this.settings = settings;
  }

  @Override
  public Mono<Pop3LoginResult<BackendDialogue>> login(SaslCredentials.Password credentials, Pop3ClientFacts client) {
    return login((SaslCredentials) credentials, client);
  }

  /** Passwords and bearer tokens alike: the backend checks them. */
  @Override
  public List<SaslMechanism> mechanisms() {
    return MECHANISMS;
  }

  @Override
  public Mono<Pop3LoginResult<BackendDialogue>> login(SaslCredentials credentials, Pop3ClientFacts client) {
    Mono<List<Backend>> candidates = credentials instanceof SaslCredentials.Password p
        ? chooser.candidates(p, client) : chooser.candidates(credentials.user(), client);
    return candidates
        .flatMap(list -> list.isEmpty() ? noRoute(credentials) : connectAndReplay(list, credentials, client))
        .onErrorResume(e -> {
          LOG.info("pop3 login replay for {} failed: {}", credentials.user(), e.toString());
          return Mono.just(unavailable());
        })
        .doFinally(s -> secret(credentials).clear());
  }

  private static Secret secret(SaslCredentials credentials) {
    return credentials instanceof SaslCredentials.Password p ? p.password() : ((SaslCredentials.Token) credentials).token();
  }

  /** No route for the user: answered like a wrong password, so that user names cannot be probed. */
  private static Mono<Pop3LoginResult<BackendDialogue>> noRoute(SaslCredentials credentials) {
    LOG.info("pop3 login for {}: no route", credentials.user());
    return Mono.just(refused());
  }

  private Mono<Pop3LoginResult<BackendDialogue>> connectAndReplay(
      List<Backend> candidates, SaslCredentials credentials, Pop3ClientFacts client) {
    return connector.connect(candidates).flatMap(bc -> {
      BackendDialogue d = new BackendDialogue(bc, settings.backendLimits());
      boolean proxyHeader = settings.proxyProtocol() || chooser.sendsProxyHeader(bc.backend());
      return new Pop3BackendReplay(d, credentials, client, proxyHeader)
          .run(settings.loginTimeout())
          .map(o -> result(d, o, credentials));
    });
  }

  private static Pop3LoginResult<BackendDialogue> result(
      BackendDialogue d, Pop3BackendReplay.Outcome outcome, SaslCredentials credentials) {
    if (outcome instanceof Pop3BackendReplay.Outcome.Accepted a) {
      return new Pop3LoginResult.Accepted<>(d, a.status());
    }
    if (outcome instanceof Pop3BackendReplay.Outcome.Refused r) {
      Pop3RespCode code = r.code();
      return code == Pop3RespCode.IN_USE || code == Pop3RespCode.LOGIN_DELAY || code == Pop3RespCode.SYS_TEMP
          ? new Pop3LoginResult.Refused<>(Status.err(code, "login refused by the mail server, try again later"))
          : refused();
    }
    if (outcome instanceof Pop3BackendReplay.Outcome.NoTokenMechanism n) {
      // RFC 5034 4: a mechanism that cannot be used is an -ERR the client may answer with
      // another mechanism; [SYS/TEMP] would only make it retry the same token forever
      LOG.info("pop3 login for {}: backend offers no token mechanism (SASL {})", credentials.user(), n.offered());
      return new Pop3LoginResult.Refused<>(Status.err("SASL mechanism not available for this account, use another"));
    }
    LOG.info("pop3 login replay for {} failed: {}", credentials.user(), ((Pop3BackendReplay.Outcome.Failed) outcome).reason());
    return unavailable();
  }

  private static Pop3LoginResult<BackendDialogue> refused() {
    return new Pop3LoginResult.Refused<>(Status.err(Pop3RespCode.AUTH, "invalid user name or password"));
  }

  private static Pop3LoginResult<BackendDialogue> unavailable() {
    return new Pop3LoginResult.Refused<>(Status.err(Pop3RespCode.SYS_TEMP, "backend unavailable, try again later"));
  }
}

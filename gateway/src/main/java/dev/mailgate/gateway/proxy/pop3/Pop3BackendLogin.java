package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.pop3.Pop3Verb;
import dev.mailgate.codec.proxy.ProxyHeader;
import dev.mailgate.codec.proxy.ProxyProtocolEncoder;
import dev.mailgate.codec.sasl.SaslClientExchange;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.pop3.Pop3Authenticator;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import dev.mailgate.gateway.pop3.Pop3LoginResult;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
        .onErrorResume(NoTokenMechanism.class, e -> {
          // RFC 5034 4: a mechanism that cannot be used is an -ERR the client may answer with
          // another mechanism; [SYS/TEMP] would only make it retry the same token forever
          LOG.info("pop3 login for {}: {}", credentials.user(), e.getMessage());
          return Mono.just(new Pop3LoginResult.Refused<>(
              Status.err("SASL mechanism not available for this account, use another")));
        })
        .onErrorResume(e -> {
          LOG.info("pop3 login replay for {} failed: {}", credentials.user(), describe(e));
          return Mono.just(new Pop3LoginResult.Refused<>(
              Status.err(Pop3RespCode.SYS_TEMP, "backend unavailable, try again later")));
        })
        .doFinally(s -> secret(credentials).clear());
  }

  /** No route for the user: answered like a wrong password, so that user names cannot be probed. */
  private static Secret secret(SaslCredentials credentials) {
    return credentials instanceof SaslCredentials.Password p ? p.password() : ((SaslCredentials.Token) credentials).token();
  }

  private static Mono<Pop3LoginResult<BackendDialogue>> noRoute(SaslCredentials credentials) {
    LOG.info("pop3 login for {}: no route", credentials.user());
    return Mono.just(new Pop3LoginResult.Refused<>(Status.err(Pop3RespCode.AUTH, "invalid user name or password")));
  }

  private Mono<Pop3LoginResult<BackendDialogue>> connectAndReplay(
      List<Backend> candidates, SaslCredentials credentials, Pop3ClientFacts client) {
    return connector.connect(candidates)
        .flatMap(bc -> {
          // the session cancels this chain right after it receives the result (it leaves the
          // login loop), so only a cancel before the result means the client went away
          AtomicBoolean delivered = new AtomicBoolean();
          return replay(bc, credentials, client)
              .timeout(settings.loginTimeout())
              .doOnNext(r -> delivered.set(true))
              .doOnError(e -> bc.close())
              .doOnCancel(() -> {
                if (!delivered.get()) {
                  bc.close();
                }
              });
        });
  }

  private Mono<Pop3LoginResult<BackendDialogue>> replay(
      BackendConnection bc, SaslCredentials credentials, Pop3ClientFacts client) {
    BackendDialogue d = new BackendDialogue(bc, settings.backendLimits());
    return proxyHeader(bc, client)
        .then(d.attach())
        .then(d.greeting().timeout(bc.backend().spec().handshakeTimeout()))
        .flatMap(g -> g.ok() ? Mono.just(g) : Mono.error(new BackendDialogue.BackendProtocolException("greeting refused")))
        .then(bc.backend().spec().tlsMode() == BackendTlsMode.STARTTLS ? stls(d) : Mono.empty())
        .then(d.command(Pop3Command.Simple.of(Pop3Verb.CAPA)))
        .flatMap(capa -> authenticate(d, capa.ok() ? capa.lines() : List.of(), credentials))
        .flatMap(reply -> outcome(d, reply));
  }

  /** PROXY v2 (HAProxy spec section 2.2) before any protocol byte; not possible before implicit TLS. */
  private Mono<Void> proxyHeader(BackendConnection bc, Pop3ClientFacts client) {
    if (!settings.proxyProtocol() && !chooser.sendsProxyHeader(bc.backend())) {
      return Mono.empty();
    }
    if (bc.backend().spec().tlsMode() == BackendTlsMode.IMPLICIT) {
      LOG.warn("backend {}: PROXY header not sent: the connector completes implicit TLS first", bc.backend().name());
      return Mono.empty();
    }
    ProxyHeader h = ProxyHeader.tcp(2, client.client(), client.local(), List.of());
    ByteBuf buf = bc.connection().channel().alloc().buffer();
    ProxyProtocolEncoder.write(h, buf);
    return bc.connection().outbound().send(Mono.just(buf)).then();
  }

  private Mono<Void> stls(BackendDialogue d) {
    return d.command(Pop3Command.Simple.of(Pop3Verb.STLS))
        .flatMap(r -> r.ok()
            ? d.resetDecoder().then(d.backend().startTls()).then()
            : Mono.error(new BackendDialogue.BackendProtocolException("backend refused STLS")));
  }

  private Mono<BackendDialogue.Reply> authenticate(
      BackendDialogue d, List<String> capa, SaslCredentials given) {
    List<String> sasl = saslMechanisms(capa);
    if (given instanceof SaslCredentials.Token token) {
      // a bearer token replays only as a token mechanism the backend offers (RFC 7628, XOAUTH2)
      for (SaslMechanism m : List.of(SaslMechanism.OAUTHBEARER, SaslMechanism.XOAUTH2)) {
        if (sasl.contains(m.wire())) {
          SaslClientExchange x = SaslClientExchange.create(m, token);
          return d.command(new Pop3Command.Auth(m.wire(), x.initialResponse()));
        }
      }
      return Mono.error(new NoTokenMechanism(sasl));
    }
    SaslCredentials.Password credentials = (SaslCredentials.Password) given;
    boolean user = capa.isEmpty() || capa.stream().anyMatch(l -> l.equalsIgnoreCase("USER"));
    if (sasl.contains("PLAIN")) {
      SaslClientExchange x = SaslClientExchange.create(SaslMechanism.PLAIN, credentials);
      return d.command(new Pop3Command.Auth("PLAIN", x.initialResponse()));
    }
    if (user || !sasl.contains("LOGIN")) {
      return d.command(new Pop3Command.User(credentials.user()))
          .flatMap(r -> r.ok() ? d.command(new Pop3Command.Pass(credentials.password())) : Mono.just(r));
    }
    SaslClientExchange x = SaslClientExchange.create(SaslMechanism.LOGIN, credentials);
    return d.command(new Pop3Command.Auth("LOGIN", null)).expand(r -> r.head() instanceof Pop3Response.Continuation c
            ? d.saslLine(new Pop3Command.SaslResponse(x.respond(c.base64())))
            : Mono.empty())
        .last();
  }

  private static List<String> saslMechanisms(List<String> capa) {
    for (String l : capa) {
      if (l.regionMatches(true, 0, "SASL ", 0, 5)) {
        return List.of(l.substring(5).trim().toUpperCase(java.util.Locale.ROOT).split("\\s+"));
      }
    }
    return List.of();
  }

  private Mono<Pop3LoginResult<BackendDialogue>> outcome(BackendDialogue d, BackendDialogue.Reply reply) {
    if (reply.ok()) {
      Status s = (Status) reply.head();
      return Mono.just(new Pop3LoginResult.Accepted<>(d, s));
    }
    d.backend().close();
    Pop3RespCode code = reply.head() instanceof Status s ? s.respCode() : null;
    if (code == Pop3RespCode.IN_USE || code == Pop3RespCode.LOGIN_DELAY || code == Pop3RespCode.SYS_TEMP) {
      return Mono.just(new Pop3LoginResult.Refused<>(Status.err(code, "login refused by the mail server, try again later")));
    }
    return Mono.just(new Pop3LoginResult.Refused<>(Status.err(Pop3RespCode.AUTH, "invalid user name or password")));
  }

  /** A bearer token for a backend whose SASL offers no token mechanism. */
  static final class NoTokenMechanism extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoTokenMechanism(List<String> offered) {
      super("backend offers no token mechanism (SASL " + offered + ")", null, false, false);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "timed out";
    }
    return e.toString();
  }
}

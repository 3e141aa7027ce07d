package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.sasl.SaslClientExchange;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.codec.smtp.EhloCapabilities;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.backend.BackendUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Opens SMTP client sessions to backends for the relay (DESIGN.md "SMTP is relayed per
 * transaction"): connect through the {@link BackendConnector} (breaker, retries, failover), read the
 * 220 greeting (RFC 5321 3.1), EHLO falling back to HELO (4.1.1.1), STARTTLS when the backend's spec
 * asks for it (RFC 3207; a backend that stops offering it is refused, never silently used in
 * plaintext) and EHLO again, XCLIENT with the real client's facts only when advertised (Postfix
 * XCLIENT_README; the new 220 greeting, then EHLO again), and AUTH (RFC 4954) when a login is given.
 *
 * <pre>{@code
 * client.open(candidates, ClientFacts.of("203.0.113.7", 50123).withHelo("mua.example", true), null)
 *     .flatMap(tx -> tx.envelope(mail, rcpts) ...)
 * }</pre>
 *
 * <p>Failures: no backend reachable is {@link BackendUnavailable}; a refusal or broken dialogue is a
 * {@link BackendSmtpException} whose reply is for the client. Limits: {@link BackendSmtpLimits}.
 */
public final class BackendSmtpClient {

  private static final Logger LOG = LoggerFactory.getLogger(BackendSmtpClient.class);

  private final BackendConnector connector;
  private final String heloName;
  private final BackendSmtpLimits limits;
  private final Set<String> discardedKeywords;
  private final Predicate<Backend> xclient;

  /**
   * @param connector opens the connections
   * @param heloName the gateway's own host name, sent in EHLO/HELO
   * @param limits timeouts and reply bounds
   */
  public BackendSmtpClient(BackendConnector connector, String heloName, BackendSmtpLimits limits) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.heloName = Objects.requireNonNull(heloName, "heloName");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.discardedKeywords = Set.of();
    this.xclient = b -> true;
  }

  private BackendSmtpClient(BackendSmtpClient base, Set<String> discarded, Predicate<Backend> xclient) {
    this.connector = base.connector;
    this.heloName = base.heloName;
    this.limits = base.limits;
    this.discardedKeywords = discarded;
    this.xclient = xclient;
  }

  /**
   * A client that ignores these EHLO keywords of every backend, as if not advertised (like Postfix's
   * {@code smtp_discard_ehlo_keywords}): to work around a backend's broken extension, e.g. relaying
   * BDAT as DATA to a backend whose CHUNKING misbehaves.
   */
  public BackendSmtpClient withDiscardedKeywords(Set<String> keywords) {
    Set<String> upper = new java.util.HashSet<>();
    keywords.forEach(k -> upper.add(k.toUpperCase(java.util.Locale.ROOT)));
    return new BackendSmtpClient(this, Set.copyOf(upper), xclient);
  }

  /**
   * A client that sends XCLIENT only to the backends {@code allowed} accepts (the configuration's
   * {@code convey_client: xclient}); others see the gateway as the client.
   */
  public BackendSmtpClient withXclientOnlyFor(Predicate<Backend> allowed) {
    return new BackendSmtpClient(this, discardedKeywords, Objects.requireNonNull(allowed, "allowed"));
  }

  /**
   * A ready session with the first candidate that answers.
   *
   * @param candidates the route's backends in failover order
   * @param facts the client's facts for XCLIENT, or {@code null} to send none
   * @param login AUTH towards the backend, or {@code null}
   */
  public Mono<SmtpTransactionClient> open(List<Backend> candidates, ClientFacts facts, BackendLogin login) {
    return connector.connect(candidates)
        .flatMap(bc -> {
          SmtpWire wire = new SmtpWire(bc, limits);
          // whether XCLIENT went out: the EHLO after it may no longer advertise XCLIENT
          java.util.concurrent.atomic.AtomicBoolean xclientSent = new java.util.concurrent.atomic.AtomicBoolean();
          return handshake(wire, facts, login, xclientSent)
              .map(caps -> new SmtpTransactionClient(wire, caps, login == null && !xclientSent.get()))
              .onErrorMap(e -> !(e instanceof BackendSmtpException),
                  e -> new BackendSmtpException(BackendReplies.UNAVAILABLE, "backend " + bc.backend().name()
                      + " failed during the session setup: " + e, e))
              .doOnError(e -> {
                LOG.info("backend {}: {}", bc.backend().name(), e.getMessage());
                wire.close();
              });
        });
  }

  private Mono<EhloCapabilities> handshake(SmtpWire wire, ClientFacts facts, BackendLogin login,
      java.util.concurrent.atomic.AtomicBoolean xclientSent) {
    boolean starttls = wire.connection().backend().spec().tlsMode() == BackendTlsMode.STARTTLS;
    Duration backendGreeting = wire.connection().backend().spec().handshakeTimeout();
    return wire.reply(backendGreeting.compareTo(limits.greetingTimeout()) < 0 ? backendGreeting : limits.greetingTimeout())
        .flatMap(greeting -> expect(greeting, 220, "greeting"))
        .then(ehlo(wire))
        .flatMap(caps -> starttls ? startTls(wire, caps) : Mono.just(caps))
        .flatMap(caps -> {
          if (!sendsXclient(wire, caps, facts)) {
            return Mono.just(caps);
          }
          xclientSent.set(true);
          return xclient(wire, caps, facts);
        })
        .flatMap(caps -> login != null && !loggedInByXclient(wire, caps, facts)
            ? auth(wire, caps, login).thenReturn(caps) : Mono.just(caps));
  }

  private boolean sendsXclient(SmtpWire wire, EhloCapabilities caps, ClientFacts facts) {
    return facts != null && caps.has("XCLIENT") && xclient.test(wire.connection().backend());
  }

  /**
   * Whether XCLIENT already told the backend who logged in (its LOGIN attribute): the backend then
   * treats the session as authenticated and would refuse AUTH with {@code 503}.
   */
  private boolean loggedInByXclient(SmtpWire wire, EhloCapabilities caps, ClientFacts facts) {
    return sendsXclient(wire, caps, facts) && facts.attributes(caps.xclientAttributes()).containsKey("LOGIN");
  }

  /** EHLO, or HELO when the backend does not know EHLO (RFC 5321 4.1.1.1, 3.2). */
  private Mono<EhloCapabilities> ehlo(SmtpWire wire) {
    return wire.exchange(new SmtpCommand.Ehlo(heloName))
        .flatMap(reply -> {
          if (reply.code() == 250) {
            EhloCapabilities caps = EhloCapabilities.parse(reply);
            if (discardedKeywords.isEmpty()) {
              return Mono.just(caps);
            }
            Map<String, List<String>> kept = new java.util.LinkedHashMap<>(caps.keywords());
            kept.keySet().removeAll(discardedKeywords);
            return Mono.just(new EhloCapabilities(caps.greeting(), kept));
          }
          if (reply.isTransientFailure()) {
            return Mono.error(refused(reply, "EHLO"));
          }
          return wire.exchange(new SmtpCommand.Helo(heloName))
              .flatMap(helo -> expect(helo, 250, "HELO"))
              .map(helo -> new EhloCapabilities(helo.lines().get(0), Map.of()));
        });
  }

  private Mono<EhloCapabilities> startTls(SmtpWire wire, EhloCapabilities caps) {
    if (!caps.startTls()) {
      return Mono.error(new BackendSmtpException(BackendReplies.UNAVAILABLE,
          "backend " + wire.connection().backend().name() + " does not offer STARTTLS", null));
    }
    return wire.exchange(new SmtpCommand.StartTls())
        .flatMap(reply -> expect(reply, 220, "STARTTLS"))
        .flatMap(reply -> {
          wire.replies().discardBuffered();
          return wire.connection().startTls();
        })
        .then(ehlo(wire));
  }

  private Mono<EhloCapabilities> xclient(SmtpWire wire, EhloCapabilities caps, ClientFacts facts) {
    Map<String, String> attributes = facts.attributes(caps.xclientAttributes());
    if (attributes.isEmpty()) {
      return Mono.just(caps);
    }
    // Postfix answers XCLIENT with a new 220 greeting; the session restarts, so EHLO again.
    return wire.exchange(new SmtpCommand.Xclient(attributes))
        .flatMap(reply -> expect(reply, 220, "XCLIENT"))
        .then(ehlo(wire));
  }

  private Mono<Void> auth(SmtpWire wire, EhloCapabilities caps, BackendLogin login) {
    SaslMechanism mechanism = login.choose(caps.authMechanisms());
    if (mechanism == null) {
      // a token where the backend checks only passwords: no retry helps, unlike a backend that
      // offers no AUTH at all (its configuration, or STARTTLS missing: temporary)
      SmtpReply reply = login.credentials() instanceof SaslCredentials.Token && !caps.authMechanisms().isEmpty()
          ? BackendReplies.NO_TOKEN_MECHANISM : BackendReplies.UNAVAILABLE;
      return Mono.error(new BackendSmtpException(reply,
          "backend offers no usable AUTH mechanism: " + caps.authMechanisms(), null));
    }
    SaslClientExchange exchange = SaslClientExchange.create(mechanism, login.credentials());
    Secret initial = exchange.initialResponse();
    Mono<SmtpReply> first = initial == null
        ? wire.exchange(new SmtpCommand.Auth(mechanism.wire(), null))
        : wire.exchangeSecret("AUTH " + mechanism.wire() + " ", initial);
    return first.flatMap(reply -> authStep(wire, exchange, reply, 0));
  }

  /** Answers 334 challenges (RFC 4954 4) until a final reply; a bounded number of rounds. */
  private Mono<Void> authStep(SmtpWire wire, SaslClientExchange exchange, SmtpReply reply, int round) {
    if (reply.code() == 235) {
      return Mono.empty();
    }
    if (reply.code() != 334 || round >= 8) {
      // The backend's own refusal (535 5.7.8, 454 4.7.0) is what the client should see.
      SmtpReply toClient = reply.code() == 334 ? BackendReplies.UNAVAILABLE : reply;
      return Mono.error(new BackendSmtpException(toClient, "backend refused AUTH: " + reply.code(), null));
    }
    Secret answer = exchange.respond(reply.lines().get(0).trim());
    return wire.exchangeSecret("", answer).flatMap(next -> authStep(wire, exchange, next, round + 1));
  }

  private static Mono<SmtpReply> expect(SmtpReply reply, int code, String step) {
    return reply.code() == code ? Mono.just(reply) : Mono.error(refused(reply, step));
  }

  private static BackendSmtpException refused(SmtpReply reply, String step) {
    SmtpReply toClient = reply.isPositive() ? BackendReplies.UNAVAILABLE
        : reply.isTransientFailure() ? reply : BackendReplies.UNAVAILABLE;
    return new BackendSmtpException(toClient, "backend answered " + step + " with " + reply.code() + " "
        + reply.text(), null);
  }
}

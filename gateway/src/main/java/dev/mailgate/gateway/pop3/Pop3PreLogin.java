package dev.mailgate.gateway.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.pop3.Pop3Verb;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.SaslServerExchange;
import dev.mailgate.codec.sasl.SaslStep;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.policy.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The POP3 AUTHORIZATION state (RFC 1939 section 4), answered by the gateway itself for both the
 * local tier and the proxy: CAPA (RFC 2449), STLS (RFC 2595), USER/PASS (RFC 1939 section 7), AUTH
 * PLAIN and LOGIN with SASL-IR (RFC 5034), NOOP and QUIT. A completed login goes to the {@link
 * Pop3Authenticator}; a refusal leaves the state as it was (RFC 1939: the client may try again).
 *
 * <p>Before TLS, USER, PASS and AUTH are refused with {@code -ERR [SYS/PERM]} and not advertised
 * unless the client's network may log in in plaintext ({@link Pop3ServerSettings}); APOP needs the
 * clear-text password on the server, which the gateway never has, and is refused.
 *
 * <p>Every completed login passes the session's {@link SessionPolicies} first (throttling delays
 * after failures, lockout per (user, address)); a refusal with {@code [AUTH]} counts as a failure.
 * Every command but QUIT first passes the commands-per-interval rules ({@link
 * Pop3Wire#commandAllowed}); SASL continuation lines are not commands.
 * Per-user session limits are the authenticator's to take (the local tier's maildrop lock already
 * allows one session per user).
 *
 * @param <T> what an accepted login carries into the next state
 */
public final class Pop3PreLogin<T> {

  /** What one command led to. */
  public sealed interface Outcome<T> {
    /** Stay in AUTHORIZATION and read the next command. */
    record Continue<T>() implements Outcome<T> {}

    /** End the session (QUIT answered, too many errors, TLS failure). */
    record Close<T>() implements Outcome<T> {}

    /** The login succeeded and was answered; {@code value} is the authenticator's. */
    record LoggedIn<T>(T value) implements Outcome<T> {}
  }

  /** The {@code mechanism} tag of a USER/PASS login. */
  private static final String USER_PASS = "user";

  private final Pop3Wire wire;
  private final ServerTls tls;
  private final Pop3Authenticator<T> authenticator;
  private final java.util.function.Consumer<T> discard;
  private final List<String> transactionCapabilities;
  private String user;
  private SaslServerExchange exchange;
  /** The SASL mechanism of the exchange in progress, for the login metrics. */
  private String mechanism;

  /**
   * @param tls the server TLS for STLS, or null when this listener offers none
   * @param discard gives back what an accepted login holds (a maildrop lock, a backend
   *     connection) when the per-user session limits refuse the session after all
   * @param transactionCapabilities what CAPA lists besides the login-related capabilities (e.g.
   *     TOP, UIDL)
   */
  public Pop3PreLogin(Pop3Wire wire, ServerTls tls, Pop3Authenticator<T> authenticator,
      java.util.function.Consumer<T> discard, List<String> transactionCapabilities) {
    this.wire = wire;
    this.tls = tls;
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.discard = Objects.requireNonNull(discard, "discard");
    this.transactionCapabilities = List.copyOf(transactionCapabilities);
  }

  /** Handles one inbound message (a command, a SASL line or a decode failure). */
  public Mono<Outcome<T>> handle(Object msg) {
    if (exchange != null) {
      return saslStep(msg);
    }
    if (msg instanceof DecodeFailure f) {
      return refused(wire.refuse(f));
    }
    if (!(msg instanceof Pop3Command cmd) || cmd.verb() == null) {
      return refused(wire.refuse(Status.err("unexpected line")));
    }
    if (cmd.verb() == Pop3Verb.QUIT) {
      return command(cmd); // leaving is never refused: that would only hold the connection open
    }
    return wire.commandAllowed().flatMap(ok -> ok ? command(cmd) : notRun(cmd));
  }

  /** A command refused by the commands-per-interval rule: its secrets are wiped unused. */
  private Mono<Outcome<T>> notRun(Pop3Command cmd) {
    if (cmd instanceof Pop3Command.Pass p) {
      p.password().clear();
    } else if (cmd instanceof Pop3Command.Auth a && a.initialResponse() != null) {
      a.initialResponse().clear();
    }
    return Mono.just(new Outcome.Continue<>());
  }

  private Mono<Outcome<T>> command(Pop3Command cmd) {
    return switch (cmd.verb()) {
      case CAPA -> answer(capabilities());
      case NOOP -> answer(Status.ok(""));
      case QUIT -> quit().then(wire.send(Status.ok(wire.settings().hostname() + " POP3 server signing off"))).thenReturn(new Outcome.Close<>());
      case STLS -> stls();
      case USER -> user((Pop3Command.User) cmd);
      case PASS -> pass((Pop3Command.Pass) cmd);
      case AUTH -> auth((Pop3Command.Auth) cmd);
      case APOP -> refused(wire.refuse(Status.err(Pop3RespCode.AUTH, "APOP is not supported, use USER/PASS or AUTH")));
      default -> refused(wire.refuse(Status.err("command not valid before login")));
    };
  }

  /** CAPA in the AUTHORIZATION state (RFC 2449 section 5). */
  public Pop3Response.Listing capabilities() {
    List<String> caps = new ArrayList<>(transactionCapabilities);
    caps.add("RESP-CODES");
    caps.add("AUTH-RESP-CODE");
    caps.add("PIPELINING");
    if (stlsOffered()) {
      caps.add("STLS");
    }
    if (loginAllowed()) {
      caps.add("USER");
      caps.add("SASL " + String.join(" ", mechanismNames()));
    }
    caps.add("IMPLEMENTATION mailgate");
    return new Pop3Response.Listing("Capability list follows", caps);
  }

  private boolean stlsOffered() {
    return tls != null && !wire.context().isTls() && wire.context().listener().tlsMode() == TlsMode.STARTTLS;
  }

  /** RFC 2595 section 2.1 and PRODUCT.md: passwords only over TLS, or from allowed networks. */
  private boolean loginAllowed() {
    return wire.context().isTls()
        || wire.settings().plaintextAuthAllowed(wire.context().client().getAddress());
  }

  private Mono<Outcome<T>> stls() {
    if (!stlsOffered()) {
      return refused(wire.refuse(Status.err(wire.context().isTls() ? "TLS already active" : "STLS not available")));
    }
    user = null;
    return wire.startTls(tls)
        .thenReturn((Outcome<T>) new Outcome.Continue<T>())
        .onErrorResume(e -> Mono.just(new Outcome.Close<>()));
  }

  private Mono<Outcome<T>> user(Pop3Command.User cmd) {
    if (!loginAllowed()) {
      return refused(wire.refuse(tlsRequired()));
    }
    user = cmd.name();
    return answer(Status.ok("send PASS"));
  }

  private Mono<Outcome<T>> pass(Pop3Command.Pass cmd) {
    if (!loginAllowed()) {
      cmd.password().clear();
      return refused(wire.refuse(tlsRequired()));
    }
    if (user == null) {
      cmd.password().clear();
      return refused(wire.refuse(Status.err("USER first")));
    }
    String name = user;
    user = null;
    return login(new SaslCredentials.Password("", name, cmd.password()), USER_PASS);
  }

  private Mono<Outcome<T>> auth(Pop3Command.Auth cmd) {
    if (cmd.mechanism() == null) {
      // RFC 1734's list form, which clients still send to discover mechanisms
      List<String> names = loginAllowed() ? mechanismNames() : List.of();
      return answer(new Pop3Response.Listing("SASL mechanisms follow", names));
    }
    if (!loginAllowed()) {
      return refused(wire.refuse(tlsRequired()));
    }
    SaslMechanism m = SaslMechanism.lookup(cmd.mechanism());
    if (m == null || !authenticator.mechanisms().contains(m)) {
      return refused(wire.refuse(Status.err("unsupported SASL mechanism")));
    }
    mechanism = m.wire();
    exchange = SaslServerExchange.create(m, wire.settings().hostname());
    return sasl(exchange.start(cmd.initialResponse()));
  }

  private Mono<Outcome<T>> saslStep(Object msg) {
    if (msg instanceof Pop3Command.SaslResponse r) {
      return sasl(exchange.respond(r.base64()));
    }
    exchange = null;
    return refused(wire.refuse(Status.err("authentication aborted")));
  }

  private Mono<Outcome<T>> sasl(SaslStep step) {
    if (step instanceof SaslStep.Challenge c) {
      return wire.expectSaslResponse()
          .then(wire.answer(new Pop3Response.Continuation(c.base64())))
          .thenReturn(new Outcome.Continue<>());
    }
    exchange = null;
    if (step instanceof SaslStep.Success s && (s.credentials() instanceof SaslCredentials.Password
        || s.credentials() instanceof SaslCredentials.Token)) {
      return login(s.credentials(), mechanism);
    }
    if (step == SaslStep.Cancelled.INSTANCE) {
      return refused(wire.refuse(Status.err("authentication cancelled")));
    }
    if (step instanceof SaslStep.Rejected) {
      return rejected(mechanism);
    }
    return refused(wire.refuse(Status.err("malformed authentication exchange")));
  }

  /**
   * A message that decoded but is no credentials of its mechanism ({@code AUTH PLAIN =}, RFC 5034
   * section 4's empty initial response): a failed authentication, {@code -ERR [AUTH]} (RFC 3206),
   * as Dovecot answers it. It is a guess like a wrong password, so it passes the login throttle
   * and counts as a failure there.
   */
  private Mono<Outcome<T>> rejected(String mechanism) {
    var ctx = wire.context();
    return ctx.policies().authenticate("", SessionPolicies.fingerprint(new byte[0]), attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
        return refused(wire.refuse(refusal(deny)));
      }
      attempt.failed();
      ctx.loginFailed(mechanism);
      return refused(wire.refuse(Status.err(Pop3RespCode.AUTH, "authentication failed")));
    });
  }

  private List<String> mechanismNames() {
    return authenticator.mechanisms().stream().map(SaslMechanism::wire).toList();
  }

  private Mono<Outcome<T>> login(SaslCredentials credentials, String mechanism) {
    var ctx = wire.context();
    SessionPolicies policies = ctx.policies();
    String name = credentials.user();
    // Computed now: the authenticator wipes the password before the outcome is known.
    byte[] tried = secret(credentials).bytes();
    long fingerprint = SessionPolicies.fingerprint(tried);
    java.util.Arrays.fill(tried, (byte) 0);
    Pop3ClientFacts facts = new Pop3ClientFacts(ctx.client(), ctx.local(), ctx.listener().name(), ctx.isTls());
    return policies.authenticate(name, fingerprint, attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        secret(credentials).clear();
        ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
        return refused(wire.refuse(refusal(deny)));
      }
      return authenticator.login(credentials, facts)
          .onErrorResume(e -> Mono.just(new Pop3LoginResult.Refused<>(
              Status.err(Pop3RespCode.SYS_TEMP, "temporary failure, try again later"))))
          .flatMap(
              r -> {
                if (r instanceof Pop3LoginResult.Accepted<T> a) {
                  attempt.succeeded();
                  // The per-user and per-domain concurrent-session limits, as in IMAP and SMTP:
                  // taken once the login is good, so wrong passwords never hold a slot.
                  return policies.openUserSession(name).flatMap(slot -> {
                    if (slot instanceof Decision.Deny deny) {
                      discard.accept(a.value());
                      ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
                      return refused(wire.refuse(refusal(deny)));
                    }
                    ctx.loginSucceeded(name, mechanism);
                    Mono<Void> reply = a.reply() == null ? Mono.empty() : wire.answer(a.reply());
                    return reply.thenReturn(new Outcome.LoggedIn<>(a.value()));
                  });
                }
                Status no = ((Pop3LoginResult.Refused<T>) r).reply();
                if (Pop3RespCode.AUTH.wire().equals(no.code())) {
                  attempt.failed();
                }
                // SYS/TEMP: the check could not be made (store or backend unavailable)
                ctx.loginFailed(mechanism, Pop3RespCode.SYS_TEMP.wire().equals(no.code())
                    ? LoginOutcome.ERROR : LoginOutcome.FAILURE);
                return refused(wire.refuse(no));
              });
    });
  }

  /** The password or bearer token the credentials carry. */
  private static Secret secret(SaslCredentials credentials) {
    return credentials instanceof SaslCredentials.Password p ? p.password() : ((SaslCredentials.Token) credentials).token();
  }

  /**
   * A login a policy refused (PRODUCT.md "How it answers"); a locked-out (user, address) pair
   * gets the same answer as a wrong password, so a guesser learns nothing from it.
   */
  private static Status refusal(Decision.Deny deny) {
    return switch (deny.kind()) {
      case TLS_REQUIRED -> tlsRequired();
      case AUTH_THROTTLED -> Status.err(Pop3RespCode.AUTH, "authentication failed");
      case TOO_MANY_CONNECTIONS -> Status.err(Pop3RespCode.IN_USE, "too many sessions, try again later");
      default -> Status.err(Pop3RespCode.SYS_TEMP, "too many logins, try again later");
    };
  }

  private Mono<Void> quit() {
    return Mono.fromRunnable(() -> wire.context().ending(EndReason.CLIENT_QUIT));
  }

  private static Status tlsRequired() {
    return Status.err(Pop3RespCode.SYS_PERM, "plaintext authentication is disabled, use STLS first");
  }

  private Mono<Outcome<T>> answer(Pop3Response response) {
    return wire.answer(response).thenReturn(new Outcome.Continue<>());
  }

  private Mono<Outcome<T>> refused(Mono<Boolean> closing) {
    return closing.map(close -> close ? new Outcome.Close<T>() : new Outcome.Continue<T>());
  }
}

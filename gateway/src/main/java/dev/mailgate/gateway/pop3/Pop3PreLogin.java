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
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.policy.Decision;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.Disposable;
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
 * <p>Written as event-loop code ({@link #handle(Object, Outcomes)}): a command answered at once
 * (CAPA, USER, a refusal) is written straight to the channel and its outcome handed over before
 * {@code handle} returns, with no Mono, operator or task; only what must wait (a policy lookup,
 * the login being checked, the STLS handshake) subscribes to a Mono, which {@link #cancel()}
 * disposes of when the session ends. {@link #handle(Object)} is the same as a Mono, for sessions
 * written as operator chains.
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

  /**
   * Where the outcome of one message goes: exactly one call per {@link #handle(Object, Outcomes)},
   * on the calling thread when nothing had to wait, else on the thread the awaited step ended on.
   */
  public interface Outcomes<T> {
    void outcome(Outcome<T> outcome);

    /** The message could not be handled (a policy lookup or a write failed): end the session. */
    void failed(Throwable error);
  }

  /** The {@code mechanism} tag of a USER/PASS login. */
  private static final String USER_PASS = "user";
  private static final Outcome.Continue<?> CONTINUE = new Outcome.Continue<>();
  private static final Outcome.Close<?> CLOSE = new Outcome.Close<>();
  private static final Status SEND_PASS = Status.ok("send PASS");
  private static final Status NOOP_OK = Status.ok("");

  private final Pop3Wire wire;
  private final ServerTls tls;
  private final Pop3Authenticator<T> authenticator;
  private final Consumer<T> discard;
  private final List<String> transactionCapabilities;
  private final Pop3LoginCheck<T> check;
  private String user;
  private SaslServerExchange exchange;
  /** The SASL mechanism of the exchange in progress, for the login metrics. */
  private String mechanism;
  /** The last step waited for (disposed when the session ends), or null. */
  private volatile Disposable awaiting;
  /** The session ended: an accepted login that completes now is given back. */
  private volatile boolean cancelled;

  /**
   * @param tls the server TLS for STLS, or null when this listener offers none
   * @param discard gives back what an accepted login holds (a maildrop lock, a backend
   *     connection) when the per-user session limits refuse the session after all, or when the
   *     session ended while the login was being checked
   * @param transactionCapabilities what CAPA lists besides the login-related capabilities (e.g.
   *     TOP, UIDL)
   */
  public Pop3PreLogin(Pop3Wire wire, ServerTls tls, Pop3Authenticator<T> authenticator,
      Consumer<T> discard, List<String> transactionCapabilities) {
    this.wire = wire;
    this.tls = tls;
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.discard = Objects.requireNonNull(discard, "discard");
    this.transactionCapabilities = List.copyOf(transactionCapabilities);
    this.check = new Pop3LoginCheck<>(wire.context(), authenticator);
  }

  /** Handles one inbound message (a command, a SASL line or a decode failure), as a Mono. */
  public Mono<Outcome<T>> handle(Object msg) {
    return Mono.create(sink -> {
      sink.onCancel(this::cancel);
      handle(msg, new Outcomes<T>() {
        @Override
        public void outcome(Outcome<T> outcome) {
          sink.success(outcome);
        }

        @Override
        public void failed(Throwable error) {
          sink.error(error);
        }
      });
    });
  }

  /**
   * Handles one inbound message (a command, a SASL line or a decode failure); its outcome goes to
   * {@code to}. One message at a time: the next only after the outcome of this one.
   */
  public void handle(Object msg, Outcomes<T> to) {
    try {
      dispatch(msg, to);
    } catch (RuntimeException e) {
      to.failed(e); // a policy that failed to decide, a channel already gone
    }
  }

  /** The session ended: the step being waited for is cancelled (a login's backend closed). */
  public void cancel() {
    cancelled = true;
    Disposable d = awaiting;
    if (d != null) {
      d.dispose();
    }
  }

  private void dispatch(Object msg, Outcomes<T> to) {
    if (exchange != null) {
      saslStep(msg, to);
      return;
    }
    if (msg instanceof DecodeFailure f) {
      refused(wire.refuseNow(f), to);
      return;
    }
    if (!(msg instanceof Pop3Command cmd) || cmd.verb() == null) {
      refused(wire.refuseNow(Status.err("unexpected line")), to);
      return;
    }
    if (cmd.verb() == Pop3Verb.QUIT) {
      command(cmd, to); // leaving is never refused: that would only hold the connection open
      return;
    }
    Boolean allowed = wire.commandAllowedNow();
    if (allowed == null) {
      await(wire.commandAllowed(), ok -> allowedOrNot(ok, cmd, to), to);
    } else {
      allowedOrNot(allowed, cmd, to);
    }
  }

  private void allowedOrNot(boolean allowed, Pop3Command cmd, Outcomes<T> to) {
    if (allowed) {
      command(cmd, to);
    } else {
      notRun(cmd);
      to.outcome(cont());
    }
  }

  /** A command refused by the commands-per-interval rule: its secrets are wiped unused. */
  private static void notRun(Pop3Command cmd) {
    if (cmd instanceof Pop3Command.Pass p) {
      p.password().clear();
    } else if (cmd instanceof Pop3Command.Auth a && a.initialResponse() != null) {
      a.initialResponse().clear();
    }
  }

  private void command(Pop3Command cmd, Outcomes<T> to) {
    switch (cmd.verb()) {
      case CAPA -> answer(capabilities(), to);
      case NOOP -> answer(NOOP_OK, to);
      case QUIT -> quit(to);
      case STLS -> stls(to);
      case USER -> user((Pop3Command.User) cmd, to);
      case PASS -> pass((Pop3Command.Pass) cmd, to);
      case AUTH -> auth((Pop3Command.Auth) cmd, to);
      case APOP -> refuse(Status.err(Pop3RespCode.AUTH, "APOP is not supported, use USER/PASS or AUTH"), to);
      default -> refuse(Status.err("command not valid before login"), to);
    }
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

  /** QUIT: the reply goes out before the session ends (its end closes the connection). */
  private void quit(Outcomes<T> to) {
    wire.context().ending(EndReason.CLIENT_QUIT);
    closeAfter(wire.write(Status.ok(wire.settings().hostname() + " POP3 server signing off")), to);
  }

  private void stls(Outcomes<T> to) {
    if (!stlsOffered()) {
      refuse(Status.err(wire.context().isTls() ? "TLS already active" : "STLS not available"), to);
      return;
    }
    user = null;
    awaitDone(wire.startTls(tls), () -> to.outcome(cont()), e -> to.outcome(close()));
  }

  private void user(Pop3Command.User cmd, Outcomes<T> to) {
    if (!loginAllowed()) {
      refuse(tlsRequired(), to);
      return;
    }
    user = cmd.name();
    answer(SEND_PASS, to);
  }

  private void pass(Pop3Command.Pass cmd, Outcomes<T> to) {
    if (!loginAllowed()) {
      cmd.password().clear();
      refuse(tlsRequired(), to);
      return;
    }
    if (user == null) {
      cmd.password().clear();
      refuse(Status.err("USER first"), to);
      return;
    }
    String name = user;
    user = null;
    login(new SaslCredentials.Password("", name, cmd.password()), USER_PASS, to);
  }

  private void auth(Pop3Command.Auth cmd, Outcomes<T> to) {
    if (cmd.mechanism() == null) {
      // RFC 1734's list form, which clients still send to discover mechanisms
      List<String> names = loginAllowed() ? mechanismNames() : List.of();
      answer(new Pop3Response.Listing("SASL mechanisms follow", names), to);
      return;
    }
    if (!loginAllowed()) {
      refuse(tlsRequired(), to);
      return;
    }
    SaslMechanism m = SaslMechanism.lookup(cmd.mechanism());
    if (m == null || !authenticator.mechanisms().contains(m)) {
      refuse(Status.err("unsupported SASL mechanism"), to);
      return;
    }
    mechanism = m.wire();
    exchange = SaslServerExchange.create(m, wire.settings().hostname());
    sasl(exchange.start(cmd.initialResponse()), to);
  }

  private void saslStep(Object msg, Outcomes<T> to) {
    if (msg instanceof Pop3Command.SaslResponse r) {
      sasl(exchange.respond(r.base64()), to);
      return;
    }
    exchange = null;
    refuse(Status.err("authentication aborted"), to);
  }

  private void sasl(SaslStep step, Outcomes<T> to) {
    if (step instanceof SaslStep.Challenge c) {
      wire.expectSaslResponseNow(); // before the + line: the client's answer is no command
      answer(new Pop3Response.Continuation(c.base64()), to);
      return;
    }
    exchange = null;
    if (step instanceof SaslStep.Success s && (s.credentials() instanceof SaslCredentials.Password
        || s.credentials() instanceof SaslCredentials.Token)) {
      login(s.credentials(), mechanism, to);
    } else if (step == SaslStep.Cancelled.INSTANCE) {
      refuse(Status.err("authentication cancelled"), to);
    } else if (step instanceof SaslStep.Rejected) {
      rejected(mechanism, to);
    } else {
      refuse(Status.err("malformed authentication exchange"), to);
    }
  }

  /**
   * A message that decoded but is no credentials of its mechanism: a failed authentication that
   * passes the login throttle ({@link Pop3LoginCheck#rejected}).
   */
  private void rejected(String mechanism, Outcomes<T> to) {
    await(check.rejected(mechanism), reply -> refuse(reply, to), to);
  }

  private List<String> mechanismNames() {
    return authenticator.mechanisms().stream().map(SaslMechanism::wire).toList();
  }

  /** A completed login: checked ({@link Pop3LoginCheck}), then the per-user session limits. */
  private void login(SaslCredentials credentials, String mechanism, Outcomes<T> to) {
    String name = credentials.user();
    await(check.login(credentials, mechanism), r -> checkedLogin(r, name, mechanism, to), to);
  }

  private void checkedLogin(Pop3LoginResult<T> r, String name, String mechanism, Outcomes<T> to) {
    if (!(r instanceof Pop3LoginResult.Accepted<T> a)) {
      refuse(((Pop3LoginResult.Refused<T>) r).reply(), to);
      return;
    }
    if (cancelled) {
      discard.accept(a.value()); // the session ended while the login was checked
      return;
    }
    // The per-user and per-domain concurrent-session limits, as in IMAP and SMTP: taken once the
    // login is good, so wrong passwords never hold a slot.
    SessionPolicies policies = wire.context().policies();
    if (policies.userSessionsLocal()) {
      opened(policies.userSession(name), a, name, mechanism, to);
    } else {
      await(policies.openUserSession(name), slot -> opened(slot, a, name, mechanism, to), to);
    }
  }

  private void opened(Decision slot, Pop3LoginResult.Accepted<T> a, String name, String mechanism, Outcomes<T> to) {
    var ctx = wire.context();
    if (slot instanceof Decision.Deny deny) {
      discard.accept(a.value());
      ctx.loginFailed(mechanism, LoginOutcome.REFUSED);
      refuse(Pop3LoginCheck.refusal(deny), to);
      return;
    }
    if (cancelled) {
      discard.accept(a.value());
      return;
    }
    ctx.loginSucceeded(name, mechanism);
    if (a.reply() != null) {
      wire.answerNow(a.reply());
    }
    to.outcome(new Outcome.LoggedIn<>(a.value()));
  }

  static Status tlsRequired() {
    return Status.err(Pop3RespCode.SYS_PERM, "plaintext authentication is disabled, use STLS first");
  }

  private void answer(Pop3Response response, Outcomes<T> to) {
    wire.answerNow(response);
    to.outcome(cont());
  }

  private void refuse(Status reply, Outcomes<T> to) {
    refused(wire.refuseNow(reply), to);
  }

  /** After a refusal: go on, or (too many errors) close once the closing reply is written. */
  private void refused(ChannelFuture closing, Outcomes<T> to) {
    if (closing == null) {
      to.outcome(cont());
    } else {
      closeAfter(closing, to);
    }
  }

  private void closeAfter(ChannelFuture write, Outcomes<T> to) {
    write.addListener(f -> to.outcome(close()));
  }

  /** Waits for {@code step}'s value; an error fails the message, an empty end too. */
  private <V> void await(Mono<V> step, Consumer<V> then, Outcomes<T> to) {
    Awaited<V> a = Awaited.await(step, then,
        () -> to.failed(new IllegalStateException("a pre-login step ended without a result")), to::failed);
    awaiting = a;
    if (cancelled) {
      a.dispose(); // the session ended as the step began
    }
  }

  /** Waits for {@code step} to end: {@code then} when it completes, {@code failed} on an error. */
  private void awaitDone(Mono<Void> step, Runnable then, Consumer<Throwable> failed) {
    Awaited<Void> a = Awaited.await(step, v -> { }, then, failed);
    awaiting = a;
    if (cancelled) {
      a.dispose();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Outcome<T> cont() {
    return (Outcome<T>) CONTINUE;
  }

  @SuppressWarnings("unchecked")
  private static <T> Outcome<T> close() {
    return (Outcome<T>) CLOSE;
  }
}

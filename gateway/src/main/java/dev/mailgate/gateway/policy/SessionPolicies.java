package dev.mailgate.gateway.policy;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.PasswordFingerprint;
import dev.mailgate.policy.Policy;
import dev.mailgate.policy.PolicyChain;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.auth.LoginReservation;
import dev.mailgate.policy.limit.ConnectionLimiter;
import dev.mailgate.policy.message.SenderOwnershipPolicy;
import dev.mailgate.policy.shared.SharedSessionLimits;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The policies of one session (DESIGN.md "Policies"), bound to the {@link PolicyEngine} snapshot
 * that was current when the connection was accepted, so a reload never changes the rules under a
 * running session. A session reaches its own through {@link SessionContext#policies()}; listeners
 * without a {@link PolicyGate} get {@link #off()}, which allows everything.
 *
 * <p>The calls a session makes, in order:
 *
 * <ol>
 *   <li>{@link #admit()} at accept (the listener does this: allow/deny networks, new connections
 *       per interval, concurrent connections per IP, network and listener);
 *   <li>{@link #authenticate} around verifying a login: {@code ALLOW}, possibly after a
 *       non-blocking delay (growing with earlier failures, Dovecot's penalty), with a reserved
 *       slot of the (user, address) pair's lockout, or a {@code Deny} (a locked-out pair, TLS
 *       first, an auth-attempt rate); the check reports {@link AuthAttempt#failed()} or
 *       {@link AuthAttempt#succeeded()}, then {@link #userSession(String)} (or
 *       {@link #openUserSession(String)}) for the per-user and per-domain concurrent-session limits;
 *   <li>SMTP: {@link #mailFrom(long)}, {@link #rcpt(String, int)}, {@link #data(long)};
 *       any protocol: {@link #command()} for commands per interval ({@link #paceCommand()} on
 *       the proxy relay after login);
 *   <li>{@link #close()} when the session ends (the listener does this).
 * </ol>
 *
 * <p>Every {@code Deny} returned has already been counted in {@code mailgate.policy.refusals}
 * under its rule's name; the caller only answers with the protocol's reply. Touched from the
 * session's event loop and the threads its Monos signal on: state is volatile or in the engine's
 * concurrent maps.
 */
public final class SessionPolicies {
  private static final SessionPolicies OFF = new SessionPolicies(null, null, null, null, null);
  /** How long {@link #paceCommand} waits on a refusal that does not say when to retry. */
  static final Duration UNKNOWN_RETRY = Duration.ofSeconds(1);
  /** The answer of most calls, shared: a Mono per command was most of what a policy cost. */
  private static final Mono<Decision> ALLOWED = Mono.just(Decision.ALLOW);

  private final PolicyEngine engine;
  private final SessionContext ctx;
  private final PolicyFacts base;
  private final GatewayMetrics metrics;
  private final Scheduler delays;
  private volatile ConnectionLimiter.Lease connectionLease;
  private volatile ConnectionLimiter.Lease userLease;
  private volatile String user;
  private volatile SharedSessionLimits.Slots sharedSlots;
  private volatile boolean closed;
  private volatile AuthAttempt inFlight;
  private volatile Now current;

  SessionPolicies(PolicyEngine engine, SessionContext ctx, PolicyFacts base,
      GatewayMetrics metrics, Scheduler delays) {
    this.engine = engine;
    this.ctx = ctx;
    this.base = base;
    this.metrics = metrics;
    this.delays = delays;
  }

  /** Policies that allow everything (listeners started without a {@link PolicyGate}). */
  public static SessionPolicies off() {
    return OFF;
  }

  public boolean isOff() {
    return engine == null;
  }

  /** Connection admission: network rules and connection rates, then concurrent connections. */
  public Mono<Decision> admit() {
    if (engine == null) {
      return Mono.just(Decision.ALLOW);
    }
    return engine.chain().evaluate(base).map(d -> {
      if (d.isDeny()) {
        return refused((Decision.Deny) d);
      }
      ConnectionLimiter.Result r = engine.connections().onConnect(base);
      if (r instanceof ConnectionLimiter.Refused no) {
        return refused(no.deny());
      }
      connectionLease = ((ConnectionLimiter.Acquired) r).lease();
      return Decision.ALLOW;
    });
  }

  /**
   * Runs one login by {@code loginName}, whose tried password has the {@linkplain
   * #fingerprint(byte[]) fingerprint} {@code passwordFingerprint}, through the authentication
   * policies: {@code check} gets an {@link AuthAttempt} whose decision is {@code ALLOW} once any
   * throttling delay has passed (on the delay scheduler, never blocking the event loop), or the
   * {@code Deny} to answer. An allowed attempt holds one of its (user, address) pair's lockout
   * slots, reserved after the delay, immediately before the password is checked: so however many
   * connections guess at once, no more passwords are checked than {@code lockout_after}. The
   * check settles it with {@link AuthAttempt#failed()} or {@link AuthAttempt#succeeded()}; on
   * any other ending (an error, an unavailable backend, the client gone and the check cancelled)
   * the slot is given back here, without an outcome.
   */
  public <T> Mono<T> authenticate(String loginName, long passwordFingerprint,
      Function<AuthAttempt, Mono<T>> check) {
    if (engine == null) {
      return Mono.defer(() -> check.apply(AuthAttempt.OFF));
    }
    if (engine.chain().isSynchronous()) {
      // Decided when subscribed, on the subscribing thread: a login without a delay (the common
      // case) then costs its check and one doFinally, not a Mono per step of the policies.
      return Mono.defer(() -> {
        PolicyFacts facts = now().withAuthAttempt(loginName, ctx.isTls());
        Decision d = engine.chain().evaluateNow(facts);
        if (d instanceof Decision.Deny deny) {
          return checked(AuthAttempt.refused(refused(deny)), check);
        }
        if (d instanceof Decision.Delay delay && !delay.duration().isZero()) {
          return delayed(delay, facts, passwordFingerprint).flatMap(a -> checked(a, check));
        }
        return checked(reserve(facts, passwordFingerprint), check);
      });
    }
    return attempt(loginName, passwordFingerprint).flatMap(a -> checked(a, check));
  }

  /**
   * Runs {@code check} holding {@code a}, which is released however the check ends. flatMap and
   * doFinally rather than Mono.usingWhen: the same release on every ending for a fraction of the
   * operators (usingWhen's commit and rollback Monos cost a login more than the rest of its
   * policies). A slot reserved while the session was being cancelled, before the check began, is
   * given back by close().
   */
  private static <T> Mono<T> checked(AuthAttempt a, Function<AuthAttempt, Mono<T>> check) {
    Mono<T> checked;
    try {
      checked = check.apply(a);
    } catch (RuntimeException e) {
      a.release();
      return Mono.error(e);
    }
    return checked.doFinally(s -> a.release());
  }

  private Mono<AuthAttempt> attempt(String loginName, long fingerprint) {
    PolicyFacts facts = now().withAuthAttempt(loginName, ctx.isTls());
    return engine.chain().evaluate(facts).flatMap(d -> {
      if (d instanceof Decision.Deny deny) {
        return Mono.just(AuthAttempt.refused(refused(deny)));
      }
      if (d instanceof Decision.Delay delay && !delay.duration().isZero()) {
        return delayed(delay, facts, fingerprint);
      }
      return Mono.fromSupplier(() -> reserve(facts, fingerprint));
    });
  }

  /** The attempt after a throttling delay, counted under the delaying rule. */
  private Mono<AuthAttempt> delayed(Decision.Delay delay, PolicyFacts facts, long fingerprint) {
    metrics.policyDelay(protocol(), delay.rule());
    // Reserved when the delay ends, not before: a lockout that came meanwhile refuses it, and a
    // guess waiting out its delay does not hold a slot another could use.
    return Mono.delay(delay.duration(), delays).map(t -> reserve(facts, fingerprint));
  }

  /**
   * This node's lockout slot for the (user, address) pair (failures are recorded here in a
   * cluster too): the attempt holding it, or the refusal, counted.
   */
  private AuthAttempt reserve(PolicyFacts authFacts, long fingerprint) {
    LoginReservation r = engine.authThrottle().reserve(authFacts, fingerprint);
    if (!r.admitted()) {
      return AuthAttempt.refused(refused(r.deny()));
    }
    AuthAttempt a = new AuthAttempt(Decision.ALLOW, r, engine.authOutcomes(), authFacts,
        fingerprint);
    inFlight = a;
    return a;
  }

  /**
   * After a successful login of {@code canonicalUser}: takes the per-user and per-domain
   * concurrent-session slots (released by {@link #close()}); a {@code Deny} means the session
   * must not go on as that user. Later checks ({@link #mailFrom}, {@link #command}) key on this
   * user.
   */
  public Decision userSession(String canonicalUser) {
    if (engine == null) {
      return Decision.ALLOW;
    }
    ConnectionLimiter.Result r =
        engine.connections().onLogin(now().withAuthenticated(canonicalUser));
    if (r instanceof ConnectionLimiter.Refused no) {
      return refused(no.deny());
    }
    ConnectionLimiter.Lease previous = userLease;
    userLease = ((ConnectionLimiter.Acquired) r).lease();
    user = canonicalUser;
    if (previous != null) {
      previous.close();
    }
    return Decision.ALLOW;
  }

  /**
   * {@link #userSession} for a cluster: first the cluster-wide slots ({@code connection_limits}
   * per user and domain counted in Redis; docs/scale-out.md), then this node's. Without shared
   * counters, the same as {@link #userSession}.
   */
  public Mono<Decision> openUserSession(String canonicalUser) {
    SharedSessionLimits shared = engine == null ? null : engine.sharedSessions();
    if (shared == null) {
      return Mono.fromSupplier(() -> userSession(canonicalUser));
    }
    PolicyFacts facts = now().withAuthenticated(canonicalUser);
    return shared.onLogin(engine.settings().connectionLimits(), engine.settings().prefixes(), facts)
        .map(o -> {
          if (o.deny() != null) {
            return refused(o.deny());
          }
          Decision local = userSession(canonicalUser);
          if (local.isDeny() || closed) {
            o.slots().close(); // refused here, or the session ended while Redis answered
            return local;
          }
          SharedSessionLimits.Slots previous = sharedSlots;
          sharedSlots = o.slots();
          if (previous != null) {
            previous.close();
          }
          return Decision.ALLOW;
        });
  }

  /**
   * Whether {@link #openUserSession} is {@link #userSession} (no cluster-wide session counters),
   * so a session on its event loop may take the slots without a Mono.
   */
  public boolean userSessionsLocal() {
    return engine == null || engine.sharedSessions() == null;
  }

  /** One command (commands-per-interval rules). */
  public Mono<Decision> command() {
    return engine == null ? ALLOWED : decide(now());
  }

  /**
   * {@link #command()} decided on the calling thread when the chain decides in memory (a refusal
   * counted as there); null when it has asynchronous policies and {@link #command()} must be
   * asked. For sessions written as event-loop code, which then need no Mono per command.
   */
  public Decision commandNow() {
    if (engine == null) {
      return Decision.ALLOW;
    }
    PolicyChain chain = engine.chain();
    if (!chain.isSynchronous()) {
      return null;
    }
    Decision d = chain.evaluateNow(now());
    return d instanceof Decision.Deny deny ? refused(deny) : Decision.ALLOW;
  }

  /** Whether a commands-per-interval rule is configured (else {@link #paceCommand} never waits). */
  public boolean pacesCommands() {
    return engine != null && !engine.commandLimits().isEmpty();
  }

  /**
   * One command relayed after login on the proxy tier, where a refusal cannot be answered without
   * reordering the backend's replies: completes once every commands rule gave this command its
   * permit. A rule whose key has none left is waited for until its next window (on the delay
   * scheduler, never blocking the event loop), counted in {@code mailgate.policy.delays} under the
   * rule's name (each wait), and asked again; rules that already gave their permit are not asked
   * again, so a paced command costs each rule's key one permit however long it waited.
   */
  public Mono<Void> paceCommand() {
    if (engine == null) {
      return Mono.empty();
    }
    return pace(engine.commandLimits(), 0, now());
  }

  private Mono<Void> pace(List<Policy> rules, int i, PolicyFacts facts) {
    if (i == rules.size()) {
      return Mono.empty();
    }
    return rules.get(i).check(facts).flatMap(d -> {
      if (d instanceof Decision.Deny deny) {
        metrics.policyDelay(protocol(), deny.rule());
        // A refusal without a retry time (shared counters down, fail-closed) is asked again after
        // a second rather than spun on.
        Duration wait = deny.retryAfter().isZero() ? UNKNOWN_RETRY : deny.retryAfter();
        return Mono.delay(wait, delays).then(Mono.defer(() -> pace(rules, i, facts)));
      }
      return pace(rules, i + 1, facts);
    });
  }

  /**
   * SMTP MAIL FROM with the declared SIZE (0 when none): message size and messages per interval.
   * The sender's ownership is settled before ({@link #senderOwnedByRule}), so the chain is asked
   * without a sender.
   */
  public Mono<Decision> mailFrom(long declaredSize) {
    return engine == null ? ALLOWED
        : decide(now().withMailFrom(null, declaredSize));
  }

  /** SMTP RCPT TO: recipients per message ({@code count} includes this one) and per interval. */
  public Mono<Decision> rcpt(String recipient, int count) {
    return engine == null ? ALLOWED
        : decide(now().withMailFrom(null, 0).withRcpt(recipient, count));
  }

  /** The end of SMTP content of {@code size} bytes: message size and bytes per interval. */
  public Mono<Decision> data(long size) {
    return engine == null ? ALLOWED : decide(now().withData(size));
  }

  /** Whether an authenticated sender must be the user or one of their aliases (secure default). */
  public boolean senderMustMatchUser() {
    return engine == null || engine.senderOwnership() != null;
  }

  /** Whether the configured aliases ({@code messages.sender_aliases}) give {@code sender} to the user. */
  public boolean senderOwnedByRule(String authenticatedUser, String sender) {
    SenderOwnershipPolicy p = engine == null ? null : engine.senderOwnership();
    return p != null && !p.decide(now().withAuthenticated(authenticatedUser)
        .withMailFrom(sender, 0)).isDeny();
  }

  /** Counts a refusal the session decided itself by a policy rule (the sender check). */
  public void countRefusal(String rule) {
    if (engine != null) {
      metrics.policyRefusal(protocol(), rule);
    }
  }

  /** The largest message the policies accept ({@link Long#MAX_VALUE} when off). */
  public long maxMessageSize() {
    return engine == null ? Long.MAX_VALUE : engine.maxMessageSize();
  }

  /** Gives back the connection and user slots; idempotent. */
  public void close() {
    closed = true;
    AuthAttempt a = inFlight;
    if (a != null) {
      a.release(); // normally released already, when the check ended or was cancelled
    }
    SharedSessionLimits.Slots s = sharedSlots;
    if (s != null) {
      s.close();
    }
    ConnectionLimiter.Lease c = connectionLease;
    ConnectionLimiter.Lease u = userLease;
    if (c != null) {
      c.close();
    }
    if (u != null) {
      u.close();
    }
  }

  /** The keyed fingerprint of a tried password; wipe the bytes afterwards as usual. */
  public static long fingerprint(byte[] password) {
    return PasswordFingerprint.of(password);
  }

  /** The keyed fingerprint of a tried password given as chars (the array is not changed). */
  public static long fingerprint(char[] password) {
    return PasswordFingerprint.of(java.nio.CharBuffer.wrap(password));
  }

  /**
   * The chain's verdict for a command, MAIL, RCPT or the end of DATA. A chain that decides in
   * memory (no lookups) is evaluated here, when the session asks, rather than when the Mono is
   * subscribed: the session subscribes at once, and an allowed command then costs no reactive
   * assembly at all (four of these calls per relayed message).
   */
  private Mono<Decision> decide(PolicyFacts facts) {
    PolicyChain chain = engine.chain();
    if (chain.isSynchronous()) {
      Decision d;
      try {
        d = chain.evaluateNow(facts);
      } catch (RuntimeException e) {
        return Mono.error(e); // as the Mono of an asynchronous chain would fail
      }
      return d instanceof Decision.Deny deny ? Mono.just(refused(deny)) : ALLOWED;
    }
    return chain.evaluate(facts)
        .map(d -> d instanceof Decision.Deny deny ? refused(deny) : Decision.ALLOW);
  }

  private Decision.Deny refused(Decision.Deny deny) {
    metrics.policyRefusal(protocol(), deny.rule());
    return deny;
  }

  /**
   * The facts now: TLS may have started and a user may have logged in since accept. Kept while
   * both stay as they were (facts are immutable): made afresh for every call, they were most of
   * what a relayed message's four policy calls allocated.
   */
  private PolicyFacts now() {
    boolean tls = ctx.isTls();
    String u = user;
    Now n = current;
    if (n != null && n.tls() == tls && n.user() == u) {
      return n.facts();
    }
    PolicyFacts f = tls && !base.tls() ? base.withTls() : base;
    f = u == null ? f.withCommand() : f.withAuthenticated(u);
    current = new Now(tls, u, f);
    return f;
  }

  /** {@link #now()}'s facts and the TLS state and user they were made for. */
  private record Now(boolean tls, String user, PolicyFacts facts) {}

  private Protocol protocol() {
    return ctx.listener().protocol();
  }

  @Override
  public String toString() {
    return engine == null ? "policies off" : "policies of " + ctx;
  }
}

package dev.mailgate.gateway.policy;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.PasswordFingerprint;
import dev.mailgate.policy.PolicyChain;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import dev.mailgate.policy.limit.ConnectionLimiter;
import dev.mailgate.policy.message.SenderOwnershipPolicy;
import dev.mailgate.policy.shared.SharedSessionLimits;
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
 *   <li>{@link #beforeAuth(String)} before verifying a login: {@code ALLOW}, possibly after a
 *       non-blocking delay (growing with earlier failures, Dovecot's penalty), or a {@code Deny}
 *       (a locked-out (user, address) pair, TLS first, an auth-attempt rate);
 *   <li>{@link #authFailed(String, long)} or {@link #authSucceeded(String)} with the outcome, then
 *       {@link #userSession(String)} for the per-user and per-domain concurrent-session limits;
 *   <li>SMTP: {@link #mailFrom(long)}, {@link #rcpt(String, int)}, {@link #data(long)};
 *       any protocol: {@link #command()} for commands per interval;
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
   * Before checking a login by {@code loginName}: completes with {@link Decision#ALLOW} once any
   * throttling delay has passed (on the delay scheduler, never blocking the event loop), or with
   * the {@code Deny} to answer. A locked-out pair is denied without checking the password at all.
   */
  public Mono<Decision> beforeAuth(String loginName) {
    if (engine == null) {
      return Mono.just(Decision.ALLOW);
    }
    PolicyFacts facts = now().withAuthAttempt(loginName, ctx.isTls());
    return engine.chain().evaluate(facts).flatMap(d -> {
      if (d instanceof Decision.Deny deny) {
        return Mono.just(refused(deny));
      }
      if (d instanceof Decision.Delay delay && !delay.duration().isZero()) {
        metrics.policyDelay(protocol(), delay.rule());
        // The lockout again after the wait: logins admitted in parallel before it came must
        // not reach the password check once it holds.
        return Mono.delay(delay.duration(), delays).map(t -> lockedOut(facts));
      }
      return Mono.just(Decision.ALLOW);
    });
  }

  /**
   * This node's lockout of the (user, address) pair now (failures are recorded here in a cluster
   * too): the refusal, counted, or ALLOW.
   */
  private Decision lockedOut(PolicyFacts authFacts) {
    Decision d = engine.authThrottle().lockout(authFacts);
    return d instanceof Decision.Deny deny ? refused(deny) : Decision.ALLOW;
  }

  /**
   * A failed login by {@code loginName} with a password whose {@linkplain #fingerprint(byte[])
   * fingerprint} is {@code passwordFingerprint}: feeds the growing delays and the lockout.
   */
  public void authFailed(String loginName, long passwordFingerprint) {
    if (engine != null) {
      engine.authOutcomes().recordFailure(now().withAuthAttempt(loginName, ctx.isTls()),
          passwordFingerprint);
    }
  }

  /** A successful login: clears this address's and this pair's failure record. */
  public void authSucceeded(String loginName) {
    if (engine != null) {
      engine.authOutcomes().recordSuccess(now().withAuthAttempt(loginName, ctx.isTls()));
    }
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

  /** One command (commands-per-interval rules). */
  public Mono<Decision> command() {
    return engine == null ? ALLOWED : decide(now());
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

  /** The facts now: TLS may have started and a user may have logged in since accept. */
  private PolicyFacts now() {
    PolicyFacts f = ctx.isTls() && !base.tls() ? base.withTls() : base;
    String u = user;
    return u == null ? f.withCommand() : f.withAuthenticated(u);
  }

  private Protocol protocol() {
    return ctx.listener().protocol();
  }

  @Override
  public String toString() {
    return engine == null ? "policies off" : "policies of " + ctx;
  }
}

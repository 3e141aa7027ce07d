package dev.mailgate.gateway.policy;

import dev.mailgate.gateway.metrics.GatewayMetrics;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicyFacts;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where sessions meet the {@link PolicyEngine}: one per application, handed to the listeners
 * (through {@link dev.mailgate.gateway.net.ListenerBinding}), which {@linkplain #open open} each
 * accepted connection's {@link SessionPolicies} before the greeting. The engine is read once per
 * session from the supplier, so a reload that builds a new engine applies to new sessions only.
 *
 * <pre>{@code
 * PolicyGate gate = PolicyGate.of(app.policies::get, metrics);
 * registry.start(spec, ListenerBinding.of(handler, tls).withPolicies(gate));
 * // in a session:  context.policies().authenticate(user, fingerprint, attempt -> ...)
 * }</pre>
 */
public final class PolicyGate {
  private final Supplier<PolicyEngine> engines;
  private final GatewayMetrics metrics;
  private final Scheduler delays;

  /**
   * @param engines the current engine (a reload may swap it)
   * @param metrics where refusals and delays are counted
   * @param delays the scheduler that times auth-throttling delays (tests use virtual time)
   */
  public PolicyGate(Supplier<PolicyEngine> engines, GatewayMetrics metrics, Scheduler delays) {
    this.engines = Objects.requireNonNull(engines, "engines");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.delays = Objects.requireNonNull(delays, "delays");
  }

  /** A gate whose delays run on the shared parallel scheduler. */
  public static PolicyGate of(Supplier<PolicyEngine> engines, GatewayMetrics metrics) {
    return new PolicyGate(engines, metrics, Schedulers.parallel());
  }

  /** The policies of a newly accepted session (after the PROXY header: the real client counts). */
  public SessionPolicies open(SessionContext ctx) {
    PolicyEngine engine = engines.get();
    if (engine == null) {
      return SessionPolicies.off();
    }
    PolicyFacts base = PolicyFacts.connect(ctx.client().getAddress(), ctx.listener().name(),
        MailProtocol.valueOf(ctx.listener().protocol().name()), ctx.isTls());
    return new SessionPolicies(engine, ctx, base, metrics, delays);
  }
}

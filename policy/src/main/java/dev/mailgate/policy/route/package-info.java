/**
 * Routing (DESIGN.md, "Routing"): {@link dev.mailgate.policy.route.Router} evaluates ordered
 * {@link dev.mailgate.policy.route.RouteRule}s over {@link dev.mailgate.policy.route.RouteFacts}
 * and answers a {@link dev.mailgate.policy.route.RouteDecision} with its explanation. Pools are
 * resolved by {@link dev.mailgate.policy.route.RendezvousHash}; per-user maps come from
 * {@link dev.mailgate.policy.route.lookup lookups}.
 */
package dev.mailgate.policy.route;

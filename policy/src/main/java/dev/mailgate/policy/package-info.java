/**
 * Pure decisions over immutable facts (DESIGN.md, "Routing" and "Policies"): no Netty, no I/O on
 * the caller's thread.
 *
 * <p>{@link dev.mailgate.policy.PolicyEngine} wires the named policies of one configuration into a
 * {@link dev.mailgate.policy.PolicyChain} evaluated per session step over
 * {@link dev.mailgate.policy.PolicyFacts}, answering {@link dev.mailgate.policy.Decision}s
 * (allow, deny with a {@link dev.mailgate.policy.DenyKind} and rule name, delay). Connection
 * limits hand out leases; auth throttling records outcomes. Routing lives in
 * {@link dev.mailgate.policy.route}.
 */
package dev.mailgate.policy;

/**
 * Policies whose counters several gateway nodes share (DESIGN.md "Beyond one machine";
 * docs/scale-out.md): rate limits and login-failure throttling over a {@link
 * dev.mailgate.policy.shared.SharedCounters} store, each with this node's own counters as the
 * fallback when the store does not answer.
 */
package dev.mailgate.policy.shared;

package dev.mailgate.policy;

/**
 * Why a policy refused, so the gateway picks the reply from PRODUCT.md's table ("How it
 * answers"): rate limits and too many connections are temporary (421 4.7.0 / 451 4.7.1,
 * {@code [LIMIT]}, {@code [SYS/TEMP]} / {@code [IN-USE]}), TLS_REQUIRED is 530 5.7.0 /
 * {@code [PRIVACYREQUIRED]}, TOO_BIG 552 5.3.4, TOO_MANY_RECIPIENTS 452 4.5.3, and so on.
 */
public enum DenyKind {
  RATE_LIMIT,
  TOO_MANY_CONNECTIONS,
  AUTH_THROTTLED,
  TLS_REQUIRED,
  TOO_BIG,
  TOO_MANY_RECIPIENTS,
  SENDER_MISMATCH,
  NETWORK_DENIED
}

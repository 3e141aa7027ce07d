/**
 * The typed configuration tree (DESIGN.md, "Configuration"; keys in docs/configuration.md).
 *
 * <p>{@link dev.mailgate.config.ConfigLoader#load} reads YAML with Jackson's streaming parser into
 * a located tree, interpolates {@code ${VAR}} / {@code ${VAR:-default}}, binds it into the
 * immutable records of {@link dev.mailgate.config.model} and reports every error at once as
 * {@code FILE:LINE:COL: message}. {@link dev.mailgate.config.ConfigHolder} swaps snapshots
 * atomically on reload and diffs listeners by name; {@link dev.mailgate.config.ConfigWatcher}
 * reloads on file change; {@link dev.mailgate.config.RoutingFactory} builds the router and cached
 * lookups of a snapshot, and {@code MailgateConfig.policySettings()} feeds
 * {@link dev.mailgate.policy.PolicyEngine}.
 */
package dev.mailgate.config;

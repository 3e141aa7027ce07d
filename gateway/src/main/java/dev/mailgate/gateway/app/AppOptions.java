package dev.mailgate.gateway.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@code mailgate run} was asked to start.
 *
 * @param configFile the configuration file, or empty for PRODUCT.md's embedded default
 * @param env the environment used for {@code ${VAR}} interpolation and {@code MAILGATE_DATA}
 * @param portOffset added to every configured listener port and to the admin port (0 in
 *     production); tests and a second instance on one host use it to avoid port clashes. Set by
 *     {@code --port-offset} or {@code MAILGATE_PORT_OFFSET}; a configured port 0 stays 0 (any free
 *     port)
 * @param drainTimeout how long sessions get to finish on SIGTERM or {@code POST /drain}
 * @param watchConfig reload when the configuration file changes
 */
public record AppOptions(
    Optional<Path> configFile,
    Map<String, String> env,
    int portOffset,
    Duration drainTimeout,
    boolean watchConfig) {

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public AppOptions {
    Objects.requireNonNull(configFile, "configFile");
    env = Map.copyOf(env);
    if (portOffset < 0 || portOffset > 60000) {
      throw new IllegalArgumentException("port offset out of range 0..60000: " + portOffset);
    }
    if (drainTimeout.isNegative() || drainTimeout.isZero()) {
      throw new IllegalArgumentException("drain timeout must be positive");
    }
  }

  /** The embedded default on its standard ports. */
  public static AppOptions embedded(Map<String, String> env) {
    return new AppOptions(Optional.empty(), env, 0, DEFAULT_DRAIN_TIMEOUT, false);
  }
}

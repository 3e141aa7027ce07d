package dev.mailgate.config.model;

import java.time.Duration;

/** A pool's active health check: connect and read the greeting every {@code interval}. */
public record HealthCheckConfig(boolean enabled, Duration interval, Duration timeout,
    int failuresBeforeDown) {
  public static final HealthCheckConfig DEFAULT =
      new HealthCheckConfig(true, Duration.ofSeconds(10), Duration.ofSeconds(5), 3);
}

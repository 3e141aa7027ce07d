package dev.mailgate.config.model;

import java.time.Duration;
import java.util.Optional;

/**
 * State shared between gateway nodes ({@code cluster:}; docs/scale-out.md). Without a Redis
 * every counter is the node's own.
 *
 * @param nodeId this node's name in logs and invalidation messages
 * @param redis the shared Redis, if any
 */
public record ClusterConfig(String nodeId, Optional<Redis> redis) {

  /** One node, nothing shared. */
  public static final ClusterConfig STANDALONE = new ClusterConfig("", Optional.empty());

  /** What a policy check does when Redis does not answer in time. */
  public enum WhenUnavailable {
    /** Fall back to this node's own counters (a limit then holds per node, not in total). */
    LOCAL,
    /** Refuse the step (a temporary failure the client retries). */
    DENY
  }

  /**
   * @param uri {@code redis://host:port/db} or {@code rediss://...} for TLS; no password in it
   * @param password the {@code AUTH} password (usually {@code ${VAR}}), empty when none; never
   *     printed
   * @param timeout how long a policy check waits for Redis before the fallback
   * @param whenUnavailable the fallback
   * @param keyPrefix prefix of every key and channel, so several deployments can share a server
   */
  public record Redis(String uri, String password, Duration timeout,
      WhenUnavailable whenUnavailable, String keyPrefix) {
    @Override
    public String toString() {
      return "Redis[uri=" + uri + ", password=" + (password.isEmpty() ? "" : "(set)")
          + ", timeout=" + timeout + ", when_unavailable=" + whenUnavailable + ", key_prefix="
          + keyPrefix + "]";
    }
  }
}

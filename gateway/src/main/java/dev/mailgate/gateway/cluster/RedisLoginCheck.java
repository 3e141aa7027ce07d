package dev.mailgate.gateway.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks once at startup, before the node opens its own connections, that Redis answers and
 * takes the configured password, so that a refused start says why.
 *
 * <p>Lettuce authenticates inside its connection handshake, and when the handshake fails it closes
 * the channel, racing the code that reports the failure: under load the start failed with
 * "RedisHandshakeHandler not registered" instead of the server's {@code NOAUTH} or
 * {@code WRONGPASS}. So this check opens a connection whose handshake sends nothing (RESP2, no
 * credentials, no PING, database 0) and asks the questions itself: {@code AUTH password} when one
 * is configured, then {@code PING}, whose replies arrive as ordinary command errors.
 *
 * <p>The error names the Redis address and the cause, never the password (Redis' own replies do
 * not echo it either).
 */
final class RedisLoginCheck {
  private static final String NOAUTH = "NOAUTH";
  private static final String WRONGPASS = "WRONGPASS";
  /** Redis' answer to {@code AUTH password} when it has no password to check (requirepass unset). */
  private static final String NO_PASSWORD_SET = "without any password configured";

  private RedisLoginCheck() {}

  /**
   * Connects to {@code uri} (which must carry no credentials) with {@code resources}, sends
   * {@code AUTH} when {@code password} is not empty, then {@code PING}.
   *
   * @throws IllegalStateException naming the address, when Redis refuses the password or needs one
   * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
   */
  static void verify(ClientResources resources, RedisURI uri, String password, Duration timeout) {
    RedisURI plain = RedisURI.builder(uri).withDatabase(0).withTimeout(timeout).build();
    RedisClient probe = RedisClient.create(resources, plain);
    // no TimeoutOptions here: each command may take the connect timeout, not a policy check's
    probe.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
        .pingBeforeActivateConnection(false).autoReconnect(false).build());
    try (StatefulRedisConnection<String, String> c = probe.connect()) {
      if (!password.isEmpty()) {
        c.sync().auth(password);
      }
      c.sync().ping();
    } catch (RedisCommandExecutionException e) {
      throw refusal(address(uri), e).map(RuntimeException.class::cast).orElse(e);
    } finally {
      probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * Our own error for an authentication refusal anywhere in {@code failure}'s cause chain (a
   * connection whose handshake failed carries the server's reply as a cause), else empty.
   */
  static Optional<IllegalStateException> refusal(String address, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t instanceof RedisCommandExecutionException && t.getMessage() != null
          ? t.getMessage() : "";
      String why = m.startsWith(NOAUTH)
          ? "authentication failed: it requires a password and cluster.redis.password is empty"
          : m.startsWith(WRONGPASS)
          ? "authentication failed: it refused the password in cluster.redis.password"
          : m.contains(NO_PASSWORD_SET)
          ? "authentication failed: it has no password set, but cluster.redis.password is not"
              + " empty"
          : null;
      if (why != null) {
        return Optional.of(new IllegalStateException("Redis at " + address + ": " + why, t));
      }
    }
    return Optional.empty();
  }

  /** {@code host:port}, as an administrator would look for it in the configuration. */
  static String address(RedisURI uri) {
    return uri.getHost() + ":" + uri.getPort();
  }
}

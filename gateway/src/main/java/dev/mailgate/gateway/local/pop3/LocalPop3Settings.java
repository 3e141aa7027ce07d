package dev.mailgate.gateway.local.pop3;

import dev.mailgate.gateway.pop3.Pop3ServerSettings;
import java.util.Objects;

/**
 * Settings of the local-tier POP3 server.
 *
 * @param server greeting host name, plaintext-login networks, codec limits, error limit
 * @param maxMessages a maildrop shows at most this many messages (the oldest), so a session's
 *     memory stays bounded (two longs per message); the rest appear once these are deleted
 */
public record LocalPop3Settings(Pop3ServerSettings server, int maxMessages) {

  public static final int DEFAULT_MAX_MESSAGES = 100_000;

  public LocalPop3Settings {
    Objects.requireNonNull(server, "server");
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages < 1");
    }
  }

  public static LocalPop3Settings defaults(String hostname) {
    return new LocalPop3Settings(Pop3ServerSettings.defaults(hostname), DEFAULT_MAX_MESSAGES);
  }
}

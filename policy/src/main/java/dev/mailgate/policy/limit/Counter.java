package dev.mailgate.policy.limit;

/**
 * What a rate limit counts, and at which stage it is charged: new connections at CONNECT,
 * commands at COMMAND, authentication attempts at AUTH, messages at MAIL FROM, recipients at RCPT,
 * bytes at DATA (the message size).
 */
public enum Counter {
  CONNECTIONS,
  COMMANDS,
  AUTH_ATTEMPTS,
  MESSAGES,
  RECIPIENTS,
  BYTES;

  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

package dev.mailgate.gateway.app;

/** Why the gateway could not start: configuration errors (one per line) or a resource failure. */
public final class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}

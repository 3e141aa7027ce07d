package dev.mailgate.config;

import dev.mailgate.config.yaml.Location;
import java.util.Objects;

/** One problem in a configuration file, at the place it was found. */
public record ConfigError(Location location, String message) {
  public ConfigError {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  /** {@code FILE:LINE:COL: message}, as {@code mailgate check-config} prints it. */
  public String format() {
    return location + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}

package dev.mailgate.config;

import dev.mailgate.config.model.MailgateConfig;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of loading a file: the configuration when there were no errors, else every error
 * found, in file order.
 */
public record LoadResult(Optional<MailgateConfig> config, List<ConfigError> errors) {
  public LoadResult {
    errors = List.copyOf(errors);
    if (config.isPresent() && !errors.isEmpty()) {
      throw new IllegalArgumentException("a configuration with errors is not a configuration");
    }
  }

  public boolean ok() {
    return config.isPresent();
  }

  /** Every error as {@code FILE:LINE:COL: message}, one per line. */
  public String formatErrors() {
    return errors.stream().map(ConfigError::format).collect(Collectors.joining("\n"));
  }
}

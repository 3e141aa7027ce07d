package dev.mailgate.config;

import dev.mailgate.config.model.MailgateConfig;
import java.util.List;
import java.util.stream.Collectors;

/** What a reload did. */
public sealed interface ReloadResult {

  /** The new snapshot is in place; {@code listeners} says what to start, stop and rebind. */
  record Applied(MailgateConfig previous, MailgateConfig current, ListenerDiff listeners)
      implements ReloadResult {}

  /** The file loads to the configuration already running. */
  record Unchanged(MailgateConfig current) implements ReloadResult {}

  /** The new file has errors; the old configuration keeps running. */
  record Rejected(List<ConfigError> errors) implements ReloadResult {
    public Rejected {
      errors = List.copyOf(errors);
    }

    public String formatErrors() {
      return errors.stream().map(ConfigError::format).collect(Collectors.joining("\n"));
    }
  }
}

package dev.mailgate.gateway.cli;

import dev.mailgate.config.ConfigLoader;
import dev.mailgate.config.LoadResult;
import dev.mailgate.config.model.MailgateConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that reads the configuration shares: {@code --config FILE} (else
 * {@code MAILGATE_CONFIG}, else the embedded default) and {@code --data-dir DIR} (else {@code
 * MAILGATE_DATA}, else {@code ./data}; a {@code server.data_dir} in the file wins).
 */
final class ConfigOption {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: MAILGATE_CONFIG, else the embedded default).")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory (default: MAILGATE_DATA, else ./data; server.data_dir in the file wins).")
  Path dataDir;

  /** The configuration file to use, if any. */
  Optional<Path> file() {
    if (config != null) {
      return Optional.of(config);
    }
    String env = System.getenv("MAILGATE_CONFIG");
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
  }

  /** The environment for interpolation, with {@code --data-dir} as {@code MAILGATE_DATA}. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (dataDir != null) {
      env.put("MAILGATE_DATA", dataDir.toString());
    }
    return env;
  }

  /** Loads the configuration; a file with errors throws {@link ConfigErrors}. */
  MailgateConfig load() {
    Optional<Path> f = file();
    if (f.isEmpty()) {
      return ConfigLoader.embeddedDefault(env());
    }
    LoadResult r = ConfigLoader.load(f.get(), env());
    if (!r.ok()) {
      throw new ConfigErrors(r.formatErrors());
    }
    return r.config().get();
  }

  /** A configuration file with errors; the message is the located errors, one per line. */
  static final class ConfigErrors extends RuntimeException {
    ConfigErrors(String errors) {
      super(errors);
    }
  }
}

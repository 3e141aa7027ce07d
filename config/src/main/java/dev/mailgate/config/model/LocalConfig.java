package dev.mailgate.config.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The local mailbox tier.
 *
 * @param dataDir where its store lives (default {@code <server.data_dir>/local})
 * @param quota per-user storage limit in bytes (default 1GB; 0 means unlimited)
 * @param retention how long mail is kept (0 = forever, the default)
 * @param acceptedDomains domains hosted here in addition to those of local users
 */
public record LocalConfig(Path dataDir, long quota, Duration retention,
    List<String> acceptedDomains) {
  public LocalConfig {
    acceptedDomains = List.copyOf(acceptedDomains);
  }
}

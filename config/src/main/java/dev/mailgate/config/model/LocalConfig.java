package dev.mailgate.config.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The local mailbox tier.
 *
 * @param dataDir where its store lives (default {@code <server.data_dir>/local})
 * @param quota per-user storage limit in bytes (default 1GB; 0 means unlimited)
 * @param retention how long mail is kept (0 = forever, the default)
 * @param acceptedDomains domains hosted here in addition to those of local users
 * @param postmaster a local user's (or alias's) address that receives postmaster mail for every
 *     local domain when that domain has no {@code postmaster@} user or alias and there is no
 *     {@code postmaster} one (RFC 5321 4.5.1); absent by default
 */
public record LocalConfig(Path dataDir, long quota, Duration retention,
    List<String> acceptedDomains, Optional<String> postmaster) {
  public LocalConfig {
    acceptedDomains = List.copyOf(acceptedDomains);
    postmaster = postmaster == null ? Optional.empty() : postmaster;
  }

  public LocalConfig(Path dataDir, long quota, Duration retention, List<String> acceptedDomains) {
    this(dataDir, quota, retention, acceptedDomains, Optional.empty());
  }
}

package dev.mailgate.config.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A PEM certificate chain and its key. {@code names} are the SNI names it serves (exact or
 * {@code *.wildcard}); when empty the gateway takes them from the certificate. The first
 * certificate is the default for clients without SNI. The key password is never printed.
 */
public record CertificateConfig(Path cert, Path key, Optional<String> keyPassword,
    List<String> names) {
  public CertificateConfig {
    names = List.copyOf(names);
  }

  @Override
  public String toString() {
    return "CertificateConfig[cert=" + cert + ", key=" + key + ", keyPassword="
        + (keyPassword.isPresent() ? "***" : "none") + ", names=" + names + "]";
  }
}

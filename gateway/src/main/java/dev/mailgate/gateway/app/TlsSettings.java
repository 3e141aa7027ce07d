package dev.mailgate.gateway.app;

import dev.mailgate.config.model.CertificateConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.tls.CertificateSpec;
import dev.mailgate.gateway.tls.TlsDefaults;
import dev.mailgate.gateway.tls.TlsSpec;
import java.util.List;

/**
 * Maps the configuration's {@code tls} section to the server {@link TlsSpec}: the PEM certificates
 * in order (the first is the default, the others are chosen by SNI), or none so that the
 * self-signed certificate for {@code server.hostname} is generated and kept in the data directory;
 * the configured protocols, and the ciphers (empty: {@link TlsDefaults#CIPHERS}).
 */
final class TlsSettings {

  private TlsSettings() {}

  static TlsSpec of(MailgateConfig cfg) {
    List<CertificateSpec> certs = cfg.tls().certificates().stream().map(TlsSettings::certificate).toList();
    TlsSpec d = TlsSpec.defaults(certs, cfg.server().dataDir(), cfg.server().hostname());
    List<String> ciphers = cfg.tls().ciphers().isEmpty() ? d.ciphers() : cfg.tls().ciphers();
    List<String> protocols = cfg.tls().protocols().isEmpty() ? d.protocols() : cfg.tls().protocols();
    return new TlsSpec(certs, d.dataDirectory(), d.hostName(), protocols, ciphers, d.reloadInterval(),
        d.sessionCacheSize(), d.sessionTimeout(), d.handshakeTimeout(), d.preferOpenSsl());
  }

  private static CertificateSpec certificate(CertificateConfig c) {
    return new CertificateSpec(c.cert(), c.key(), c.keyPassword().orElse(null));
  }
}

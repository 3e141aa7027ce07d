package dev.mailgate.config;

import dev.mailgate.config.model.CertificateConfig;
import dev.mailgate.config.model.TlsConfig;
import dev.mailgate.config.yaml.YNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Binds {@code tls:} and certificate entries, checking every file is readable. */
final class TlsBinder {
  private static final Set<String> SUPPORTED = Set.of("TLSv1.2", "TLSv1.3");

  private TlsBinder() {}

  static TlsConfig bind(Section s, BindContext ctx) {
    List<CertificateConfig> certs = new ArrayList<>();
    int index = 0;
    for (YNode item : s.list("certificates")) {
      index++;
      certs.add(certificate(Section.of(item, s.errors(), s.qualified("certificates[" + index
          + "]")), ctx, true));
    }
    List<String> protocols = s.strings("protocols", TlsConfig.DEFAULT_PROTOCOLS);
    for (String p : protocols) {
      if (!SUPPORTED.contains(p)) {
        s.error("protocols", "unsupported TLS version '" + p + "' (TLSv1.2 and TLSv1.3 only;"
            + " older versions are insecure)" + Suggest.hint(p, SUPPORTED));
      }
    }
    if (protocols.isEmpty()) {
      s.error("protocols", "at least one TLS version is needed");
    }
    List<String> ciphers = s.strings("ciphers", List.of());
    boolean selfSigned = s.bool("self_signed", true);
    s.finish();
    return new TlsConfig(certs, protocols, ciphers, selfSigned);
  }

  static CertificateConfig certificate(Section s, BindContext ctx, boolean withNames) {
    Path cert = ctx.readableFile(s, "cert").orElse(null);
    Path key = ctx.readableFile(s, "key").orElse(null);
    if (cert == null) {
      s.error("cert", "a certificate needs cert: a PEM file");
    }
    if (key == null) {
      s.error("key", "a certificate needs key: a PEM file");
    }
    var password = s.optString("key_password");
    List<String> names = withNames ? s.strings("names", List.of()) : List.of();
    s.finish();
    return new CertificateConfig(cert == null ? Path.of("") : cert,
        key == null ? Path.of("") : key, password, names);
  }
}

package dev.mailgate.gateway.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * An immutable SNI table (RFC 6066 section 3): a host name maps to the context whose certificate
 * names it exactly, else to one whose certificate has the wildcard {@code *.parent} for it (one
 * label only, RFC 6125 section 6.4.3), else to the default (the first certificate).
 *
 * <p>Names come from each leaf's subjectAltName dNSName entries, or its CN when it has none. When
 * two certificates claim a name, the earlier one wins. Lookups allocate only the lower-cased name.
 */
final class SniCertificates implements Mapping<String, SslContext> {

  private final Map<String, SslContext> exact;
  private final Map<String, SslContext> wildcardParents;
  private final SslContext defaultContext;

  private SniCertificates(Map<String, SslContext> exact, Map<String, SslContext> wildcardParents, SslContext def) {
    this.exact = exact;
    this.wildcardParents = wildcardParents;
    this.defaultContext = def;
  }

  /** Builds the table; {@code contexts} and {@code leaves} are parallel lists, the first is the default. */
  static SniCertificates of(List<SslContext> contexts, List<X509Certificate> leaves) {
    Map<String, SslContext> exact = new HashMap<>();
    Map<String, SslContext> wildcards = new HashMap<>();
    for (int i = 0; i < contexts.size(); i++) {
      for (String name : names(leaves.get(i))) {
        String n = normalize(name);
        if (n.startsWith("*.")) {
          wildcards.putIfAbsent(n.substring(2), contexts.get(i));
        } else {
          exact.putIfAbsent(n, contexts.get(i));
        }
      }
    }
    return new SniCertificates(Map.copyOf(exact), Map.copyOf(wildcards), contexts.get(0));
  }

  @Override
  public SslContext map(String hostName) {
    if (hostName == null || hostName.isEmpty()) {
      return defaultContext;
    }
    String h = normalize(hostName);
    SslContext ctx = exact.get(h);
    if (ctx != null) {
      return ctx;
    }
    int dot = h.indexOf('.');
    if (dot > 0 && dot < h.length() - 1) {
      ctx = wildcardParents.get(h.substring(dot + 1));
      if (ctx != null) {
        return ctx;
      }
    }
    return defaultContext;
  }

  SslContext defaultContext() {
    return defaultContext;
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** The DNS names a certificate is valid for: subjectAltName dNSName (type 2), else the CN. */
  static List<String> names(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
            out.add((String) entry.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // fall through to the CN
    }
    if (out.isEmpty()) {
      String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (String part : dn.split(",")) {
        if (part.startsWith("CN=")) {
          out.add(part.substring(3));
        }
      }
    }
    return out;
  }
}

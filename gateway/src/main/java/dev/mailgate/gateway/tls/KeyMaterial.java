package dev.mailgate.gateway.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key and its certificate chain (leaf first), as loaded from PEM or generated.
 *
 * @param privateKey the leaf's private key
 * @param chain the leaf certificate followed by its intermediates
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

  public KeyMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty certificate chain");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public X509Certificate[] chainArray() {
    return chain.toArray(X509Certificate[]::new);
  }
}

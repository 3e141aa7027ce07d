package dev.mailgate.gateway.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One certificate to serve (or present as a client): a PEM chain (leaf first) and its PEM private
 * key, optionally encrypted with {@code passphrase}. The passphrase never appears in {@link
 * #toString()}.
 *
 * @param certificateChain PEM file holding the leaf certificate followed by its intermediates
 * @param privateKey PEM file holding the key: PKCS#1, SEC1, PKCS#8 or encrypted PKCS#8 / traditional
 * @param passphrase the key's passphrase, or {@code null} when the key is not encrypted
 */
public record CertificateSpec(Path certificateChain, Path privateKey, String passphrase) {

  public CertificateSpec {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  public static CertificateSpec of(Path certificateChain, Path privateKey) {
    return new CertificateSpec(certificateChain, privateKey, null);
  }

  @Override
  public String toString() {
    return "CertificateSpec[certificateChain=" + certificateChain + ", privateKey=" + privateKey
        + (passphrase == null ? "" : ", passphrase=***") + "]";
  }
}

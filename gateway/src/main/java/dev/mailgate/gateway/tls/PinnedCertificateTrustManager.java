package dev.mailgate.gateway.tls;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server exactly when the SHA-256 digest of its leaf certificate's DER encoding equals the
 * pin (compared in constant time). Chains, CAs and names are deliberately not checked: the pin is
 * the identity. Only for the client side; it refuses to judge client certificates.
 */
final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {

  private final byte[] pin;

  PinnedCertificateTrustManager(byte[] sha256) {
    this.pin = sha256.clone();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("backend sent no certificate");
    }
    byte[] actual = sha256(chain[0]);
    if (!MessageDigest.isEqual(pin, actual)) {
      throw new CertificateException(
          "backend certificate SHA-256 " + HexFormat.ofDelimiter(":").formatHex(actual)
              + " does not match the pinned fingerprint");
    }
  }

  static byte[] sha256(X509Certificate cert) throws CertificateException {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new CertificateException(e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a pinned trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}

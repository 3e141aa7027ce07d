package dev.mailgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate generated when none is configured (PRODUCT.md "The embedded default"). */
class SelfSignedCertificateStoreTest {

  @TempDir Path data;

  @Test
  void theGeneratedCertificateNamesTheHostLocalhostAndTheLoopbackAddresses() throws Exception {
    CertificateSpec spec = SelfSignedCertificateStore.ensure(data, "mx.example.test", KeyPairs.Type.EC_P256);
    X509Certificate leaf = PemFiles.load(spec).leaf();
    // subjectAltName entries: [type, value]; 2 = dNSName, 7 = iPAddress (RFC 5280 4.2.1.6)
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(2, "mx.example.test"), List.of(2, "localhost"), List.of(7, "127.0.0.1"),
            List.of(7, "0:0:0:0:0:0:0:1"));
  }

  @Test
  void opensslVerifiesTheGeneratedCertificateForTheLoopbackAddress() throws Exception {
    CertificateSpec spec = SelfSignedCertificateStore.ensure(data, "localhost", KeyPairs.Type.EC_P256);
    String cert = spec.certificateChain().toString();
    Process p = new ProcessBuilder("openssl", "verify", "-CAfile", cert, "-verify_ip", "127.0.0.1", cert)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains(": OK");
    assertThat(p.exitValue()).isZero();
  }
}

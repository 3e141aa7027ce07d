package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.reliability.ClientHello.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS the running gateway offers on every implicit-TLS listener and after SMTP STARTTLS: TLS
 * 1.2 and 1.3 only, and for TLS 1.2 only forward-secret AEAD suites (RFC 9325 section 4.2). Probed
 * with hand-built ClientHellos ({@link ClientHello}), so the refusal is the server's, not the
 * client library's; a strong TLS 1.2 hello on the same listener is the control that shows the
 * probe can see an acceptance.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class TlsPolicyTest {
  /** ECDHE with AES-GCM or ChaCha20-Poly1305, RSA and ECDSA: what a modern client offers. */
  private static final int[] STRONG = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca8, 0xcca9};
  /** Suites older TLS versions would use, offered with the old versions. */
  private static final int[] LEGACY = {0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a};
  private static final Map<String, Integer> WEAK = weak();

  private final RunningGateway gw;

  TlsPolicyTest(RunningGateway gw) {
    this.gw = gw;
  }

  private static Map<String, Integer> weak() {
    Map<String, Integer> m = new java.util.LinkedHashMap<>();
    m.put("RC4_128_MD5", 0x0004);
    m.put("RC4_128_SHA", 0x0005);
    m.put("3DES_EDE_CBC_SHA", 0x000a);
    m.put("DES_CBC_SHA", 0x0009);
    m.put("EXPORT_RC4_40_MD5", 0x0003);
    m.put("EXPORT_DES40_CBC_SHA", 0x0008);
    m.put("NULL_MD5", 0x0001);
    m.put("NULL_SHA256", 0x003b);
    m.put("ECDHE_RSA_NULL_SHA", 0xc010);
    m.put("DH_anon_AES128_CBC_SHA", 0x0034);
    m.put("ECDH_anon_AES128_CBC_SHA", 0xc018);
    m.put("RSA_AES128_CBC_SHA (no forward secrecy)", 0x002f);
    m.put("RSA_AES128_GCM_SHA256 (no forward secrecy)", 0x009c);
    m.put("RSA_AES256_GCM_SHA384 (no forward secrecy)", 0x009d);
    m.put("ECDHE_RSA_AES128_CBC_SHA (CBC)", 0xc013);
    m.put("ECDHE_ECDSA_AES256_CBC_SHA (CBC)", 0xc00a);
    m.put("ECDHE_RSA_AES128_CBC_SHA256 (CBC)", 0xc027);
    m.put("DHE_RSA_AES128_GCM_SHA256 (finite-field DH)", 0x009e);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtps", "pop3s", "imaps"})
  @Case(on = "smtps, pop3s, imaps", input = "ClientHello for SSL 3.0, TLS 1.0, TLS 1.1; control: TLS 1.2 with ECDHE-GCM",
      expect = "alert or close for the old versions, ServerHello for the control")
  void onlyTls12AndNewerAreAccepted(String listener, Observed seen) {
    int port = gw.port(listener);
    assertThat(ClientHello.probe(port, ClientHello.build(ClientHello.TLS1_2, STRONG))).isEqualTo(Answer.SERVER_HELLO);
    List<String> answers = new ArrayList<>();
    for (int v : new int[] {ClientHello.SSL3, ClientHello.TLS1_0, ClientHello.TLS1_1}) {
      Answer a = ClientHello.probe(port, ClientHello.build(v, concat(LEGACY, STRONG)));
      answers.add(String.format("0x%04x: %s", v, a));
      assertThat(a).as("version 0x%04x", v).isNotEqualTo(Answer.SERVER_HELLO);
    }
    seen.saw(String.join(", ", answers));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtps", "pop3s", "imaps"})
  @Case(on = "smtps, pop3s, imaps", input = "TLS 1.2 ClientHello offering one weak suite each (18: RC4, DES, 3DES, EXPORT, NULL, anon, static RSA, CBC, DHE)",
      expect = "every one refused (alert or close)")
  void weakCipherSuitesAreRefused(String listener, Observed seen) {
    int port = gw.port(listener);
    List<String> accepted = new ArrayList<>();
    WEAK.forEach((name, suite) -> {
      if (ClientHello.probe(port, ClientHello.build(ClientHello.TLS1_2, suite)) == Answer.SERVER_HELLO) {
        accepted.add(name);
      }
    });
    seen.saw(WEAK.size() + " weak suites probed, accepted: " + accepted);
    assertThat(accepted).isEmpty();
  }

  @Test
  @Case(on = "smtp (STARTTLS)", input = "after STARTTLS: ClientHello for TLS 1.0; on a second session TLS 1.2 with one weak suite",
      expect = "both refused; a strong TLS 1.2 hello after STARTTLS gets a ServerHello")
  void starttlsOffersTheSamePolicy(Observed seen) throws IOException {
    Answer old = afterStarttls(ClientHello.build(ClientHello.TLS1_0, concat(LEGACY, STRONG)));
    Answer weak = afterStarttls(ClientHello.build(ClientHello.TLS1_2, 0x002f, 0xc013, 0x0005));
    Answer strong = afterStarttls(ClientHello.build(ClientHello.TLS1_2, STRONG));
    seen.saw("TLS 1.0: " + old + ", weak: " + weak + ", strong: " + strong);
    assertThat(old).isNotEqualTo(Answer.SERVER_HELLO);
    assertThat(weak).isNotEqualTo(Answer.SERVER_HELLO);
    assertThat(strong).isEqualTo(Answer.SERVER_HELLO);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtps", "pop3s", "imaps"})
  @Case(on = "smtps, pop3s, imaps", input = "JDK client, default settings, then TLS 1.2 only",
      expect = "TLS 1.3 negotiated by default; with 1.2 an ECDHE AEAD suite")
  void aModernClientGetsTls13AndTls12GetsAnAeadSuite(String listener, Observed seen) throws IOException {
    int port = gw.port(listener);
    String dflt = handshake(port, null);
    String tls12 = handshake(port, "TLSv1.2");
    seen.saw(dflt + "; " + tls12);
    assertThat(dflt).startsWith("TLSv1.3 ");
    assertThat(tls12).matches("TLSv1\\.2 TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)");
  }

  private static String handshake(int port, String protocol) throws IOException {
    try (SSLSocket s = (SSLSocket) Wire.trustAll().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(Wire.READ_TIMEOUT_MS);
      if (protocol != null) {
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {protocol});
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return s.getSession().getProtocol() + " " + s.getSession().getCipherSuite();
    }
  }

  private Answer afterStarttls(byte[] hello) throws IOException {
    try (Wire w = Wire.connect(gw.port("smtp"))) {
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("STARTTLS").expectReply("220 .*");
      w.send(hello);
      return w.tlsAnswer();
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}

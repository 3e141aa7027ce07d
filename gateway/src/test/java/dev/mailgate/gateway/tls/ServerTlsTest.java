package dev.mailgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.gateway.tls.TestPki.KeyFormat;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.DisposableServer;

class ServerTlsTest {

  static final TestPki PKI = TestPki.create("mailgate test CA");
  static EventLoopGroup clientGroup;

  @TempDir Path dir;

  @BeforeAll
  static void group() {
    clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopGroup() {
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private TlsSpec threeCertificates(boolean openSsl) throws Exception {
    CertificateSpec def = PKI.issue(dir, "default", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "default.example.test");
    CertificateSpec exact = PKI.issue(dir, "exact", KeyPairs.Type.RSA_2048, KeyFormat.TRADITIONAL, "mail.example.org");
    CertificateSpec wild = PKI.issue(dir, "wild", KeyPairs.Type.EC_P256, KeyFormat.TRADITIONAL, "*.example.com");
    return TlsSpec.defaults(List.of(def, exact, wild), dir, "default.example.test")
        .withReloadInterval(Duration.ZERO)
        .withPreferOpenSsl(openSsl);
  }

  @ParameterizedTest(name = "openSsl={0}")
  @ValueSource(booleans = {true, false})
  void sniPicksExactThenWildcardThenDefault(boolean openSsl) throws Exception {
    try (ServerTls tls = ServerTls.start(threeCertificates(openSsl))) {
      assertThat(tls.provider()).isEqualTo(openSsl && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
      DisposableServer server = TlsProbe.server(tls);
      try {
        int port = server.port();
        assertThat(names(port, "mail.example.org")).containsExactly("mail.example.org");
        assertThat(names(port, "MAIL.Example.ORG")).containsExactly("mail.example.org");
        assertThat(names(port, "imap.example.com")).containsExactly("*.example.com");
        // A wildcard covers one label only (RFC 6125 section 6.4.3).
        assertThat(names(port, "a.b.example.com")).containsExactly("default.example.test");
        assertThat(names(port, "unknown.example.net")).containsExactly("default.example.test");
        assertThat(names(port, null)).containsExactly("default.example.test");
      } finally {
        server.disposeNow();
      }
    }
  }

  private static List<String> names(int port, String sni) throws Exception {
    return TlsProbe.dnsNames(TlsProbe.leafFor(port, sni));
  }

  @Test
  void handshakeWithTcnativeNegotiatesTls13ByDefault() throws Exception {
    try (ServerTls tls = ServerTls.start(threeCertificates(true))) {
      DisposableServer server = TlsProbe.server(tls);
      try {
        assertThat(handshake(server.port(), SslProvider.OPENSSL, "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshake(server.port(), SslProvider.OPENSSL, "TLSv1.2")).isEqualTo("TLSv1.2");
      } finally {
        server.disposeNow();
      }
    }
  }

  @Test
  void openSslConnectionsKeepAOneKilobyteBufferForRecordsWrittenOutsideAWrap() throws Exception {
    // tcnative mallocs this per connection for its life (Netty's default 2,048): memory every idle
    // IMAPS session held. Handshakes of both versions still complete with the smaller one.
    try (ServerTls tls = ServerTls.start(threeCertificates(true))) {
      assertThat(((io.netty.handler.ssl.ReferenceCountedOpenSslContext) tls.context(null)).getBioNonApplicationBufferSize())
          .isEqualTo(1024);
      DisposableServer server = TlsProbe.server(tls);
      try {
        assertThat(handshake(server.port(), SslProvider.OPENSSL, "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshake(server.port(), SslProvider.JDK, "TLSv1.3")).isEqualTo("TLSv1.3");
        assertThat(handshake(server.port(), SslProvider.OPENSSL, "TLSv1.2")).isEqualTo("TLSv1.2");
      } finally {
        server.disposeNow();
      }
    }
  }

  @ParameterizedTest(name = "openSsl={0}")
  @ValueSource(booleans = {true, false})
  void tls11IsRefusedByTheServer(boolean openSsl) throws Exception {
    try (ServerTls tls = ServerTls.start(threeCertificates(openSsl))) {
      DisposableServer server = TlsProbe.server(tls);
      try {
        // The client is OpenSSL (BoringSSL), which still speaks TLS 1.1: the refusal is the server's.
        assertThatThrownBy(() -> handshake(server.port(), SslProvider.OPENSSL, "TLSv1.1"))
            .hasMessageContaining("handshake failed");
        assertThat(handshake(server.port(), SslProvider.OPENSSL, "TLSv1.2")).isEqualTo("TLSv1.2");
      } finally {
        server.disposeNow();
      }
    }
  }

  /** A Netty client handshake restricted to {@code protocol}; returns the negotiated version. */
  static String handshake(int port, SslProvider provider, String protocol) throws Exception {
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .endpointIdentificationAlgorithm(null)
            .protocols(protocol);
    if ("TLSv1.1".equals(protocol)) {
      b.ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
    }
    SslContext ctx = b.build();
    SslHandler[] holder = new SslHandler[1];
    Channel ch =
        new Bootstrap()
            .group(clientGroup)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    holder[0] = ctx.newHandler(c.alloc(), "127.0.0.1", port);
                    c.pipeline().addLast(holder[0]);
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    try {
      io.netty.util.concurrent.Future<Channel> f = holder[0].handshakeFuture().await();
      if (!f.isSuccess()) {
        throw new IllegalStateException("handshake failed", f.cause());
      }
      return holder[0].engine().getSession().getProtocol();
    } finally {
      ch.close().sync();
    }
  }

  @Test
  void everyWrongPassphraseOfATraditionalKeyIsReportedAsOneThatCannotDecrypt() throws Exception {
    CertificateSpec spec = PKI.issue(dir, "enc-wrong", KeyPairs.Type.RSA_2048, KeyFormat.ENCRYPTED_TRADITIONAL,
        "secure.example.test");
    // About one wrong key in 256 leaves valid CBC padding and garbage that fails to parse as a key
    // rather than to decrypt; 2,000 tries meet that case with a probability above 99.9%.
    for (int i = 0; i < 2000; i++) {
      String wrong = "wrong-" + i;
      assertThatThrownBy(() -> PemFiles.readPrivateKey(spec.privateKey(), wrong))
          .as("passphrase %s", wrong).hasMessageContaining("cannot decrypt");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ENCRYPTED_PKCS8", "ENCRYPTED_TRADITIONAL"})
  void encryptedKeysLoadWithThePassphraseAndServe(String format) throws Exception {
    for (KeyPairs.Type type : KeyPairs.Type.values()) {
      CertificateSpec spec = PKI.issue(dir, "enc-" + type, type, KeyFormat.valueOf(format), "secure.example.test");
      KeyMaterial m = PemFiles.load(spec);
      assertThat(m.privateKey().getAlgorithm()).isEqualTo(type == KeyPairs.Type.EC_P256 ? "EC" : "RSA");
      assertThat(m.chain()).hasSize(2);
      CertificateSpec wrong = new CertificateSpec(spec.certificateChain(), spec.privateKey(), "wrong");
      assertThatThrownBy(() -> PemFiles.load(wrong)).hasMessageContaining("cannot decrypt");
      CertificateSpec none = CertificateSpec.of(spec.certificateChain(), spec.privateKey());
      assertThatThrownBy(() -> PemFiles.load(none)).hasMessageContaining("no passphrase");

      try (ServerTls tls = ServerTls.start(TlsSpec.defaults(List.of(spec), dir, "x").withReloadInterval(Duration.ZERO))) {
        DisposableServer server = TlsProbe.server(tls);
        try {
          assertThat(names(server.port(), "secure.example.test")).containsExactly("secure.example.test");
        } finally {
          server.disposeNow();
        }
      }
    }
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsRejected() throws Exception {
    CertificateSpec a = PKI.issue(dir, "a", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "a.example.test");
    CertificateSpec b = PKI.issue(dir, "b", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "b.example.test");
    assertThatThrownBy(() -> PemFiles.load(CertificateSpec.of(a.certificateChain(), b.privateKey())))
        .hasMessageContaining("does not match");
  }

  @Test
  void changedCertificateFilesAreServedWithoutRestart() throws Exception {
    CertificateSpec spec = PKI.issue(dir, "live", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "old.example.test");
    TlsSpec tlsSpec = TlsSpec.defaults(List.of(spec), dir, "x").withReloadInterval(Duration.ofMillis(50));
    try (ServerTls tls = ServerTls.start(tlsSpec)) {
      DisposableServer server = TlsProbe.server(tls);
      try {
        assertThat(names(server.port(), null)).containsExactly("old.example.test");
        // Same paths, new content (written key first, then the certificate, each renamed into place).
        PKI.issue(dir, "live", KeyPairs.Type.RSA_2048, KeyFormat.TRADITIONAL, "new.example.test");
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(names(server.port(), null)).containsExactly("new.example.test"));
      } finally {
        server.disposeNow();
      }
    }
  }

  @Test
  void aBrokenReplacementKeepsTheOldCertificate() throws Exception {
    CertificateSpec spec = PKI.issue(dir, "live", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "old.example.test");
    try (ServerTls tls = ServerTls.start(TlsSpec.defaults(List.of(spec), dir, "x").withReloadInterval(Duration.ZERO))) {
      java.nio.file.Files.writeString(spec.privateKey(), "-----BEGIN PRIVATE KEY-----\ngarbage\n");
      assertThatThrownBy(tls::reload).isInstanceOf(java.io.IOException.class);
      DisposableServer server = TlsProbe.server(tls);
      try {
        assertThat(names(server.port(), null)).containsExactly("old.example.test");
      } finally {
        server.disposeNow();
      }
    }
  }

  @Test
  void selfSignedCertificateIsGeneratedOnceAndReused() throws Exception {
    TlsSpec spec = TlsSpec.defaults(List.of(), dir, "mx.example.test").withReloadInterval(Duration.ZERO);
    X509Certificate first;
    try (ServerTls tls = ServerTls.start(spec)) {
      DisposableServer server = TlsProbe.server(tls);
      try {
        first = TlsProbe.leafFor(server.port(), "localhost");
      } finally {
        server.disposeNow();
      }
    }
    assertThat(TlsProbe.dnsNames(first)).containsExactly("mx.example.test", "localhost");
    assertThat(first.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(dir.resolve("tls/selfsigned-cert.pem")).exists();
    assertThat(dir.resolve("tls/selfsigned-key.pem")).exists();
    try (ServerTls again = ServerTls.start(spec)) {
      KeyMaterial m = PemFiles.load(again.certificates().get(0));
      assertThat(m.leaf()).isEqualTo(first);
    }
  }

  @Test
  void unencryptedKeyFormatsOfBothAlgorithmsLoad() throws Exception {
    for (KeyPairs.Type type : KeyPairs.Type.values()) {
      for (KeyFormat f : List.of(KeyFormat.PKCS8, KeyFormat.TRADITIONAL)) {
        CertificateSpec spec = PKI.issue(dir, type + "-" + f, type, f, "k.example.test");
        assertThat(java.nio.file.Files.readString(spec.privateKey()))
            .contains(f == KeyFormat.PKCS8 ? "BEGIN PRIVATE KEY" : (type == KeyPairs.Type.RSA_2048 ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"));
        assertThat(PemFiles.load(spec).privateKey().getAlgorithm()).isIn("EC", "RSA");
      }
    }
  }
}

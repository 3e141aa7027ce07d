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
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.DisposableServer;

class ClientTlsTest {

  static final TestPki PKI = TestPki.create("backend CA");
  static final TestPki OTHER = TestPki.create("some other CA");
  @TempDir static Path dir;
  static ServerTls serverTls;
  static DisposableServer server;
  static CertificateSpec serverCert;
  static EventLoopGroup group;

  @BeforeAll
  static void start() throws Exception {
    serverCert = PKI.issue(dir, "backend", KeyPairs.Type.EC_P256, KeyFormat.PKCS8, "localhost", "127.0.0.1");
    serverTls = ServerTls.start(TlsSpec.defaults(List.of(serverCert), dir, "localhost").withReloadInterval(Duration.ZERO));
    server = TlsProbe.server(serverTls);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    serverTls.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Connects with the gateway's client TLS; returns the negotiated protocol or throws. */
  static String connect(ClientTls tls, String host) throws Exception {
    SslHandler[] holder = new SslHandler[1];
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    holder[0] = tls.newHandler(c.alloc(), host, server.port(), Duration.ofSeconds(5));
                    c.pipeline().addLast(holder[0]);
                  }
                })
            .connect("127.0.0.1", server.port())
            .sync()
            .channel();
    try {
      io.netty.util.concurrent.Future<Channel> f = holder[0].handshakeFuture().await();
      if (!f.isSuccess()) {
        throw new IllegalStateException("handshake failed: " + f.cause(), f.cause());
      }
      return holder[0].engine().getSession().getProtocol();
    } finally {
      ch.close().sync();
    }
  }

  @Test
  void caFileTrustAcceptsTheBackendByNameAndByAddress() throws Exception {
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(new BackendTrust.CaFile(PKI.writeCa(dir))));
    assertThat(connect(tls, "localhost")).isEqualTo("TLSv1.3");
    assertThat(connect(tls, "127.0.0.1")).isEqualTo("TLSv1.3");
  }

  @Test
  void caFileTrustRefusesAWrongHostName() throws Exception {
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(new BackendTrust.CaFile(PKI.writeCa(dir))));
    assertThatThrownBy(() -> connect(tls, "imap.example.test")).hasMessageContaining("handshake failed");
  }

  @Test
  void caFileTrustRefusesACertificateFromAnotherCa() throws Exception {
    Path otherCa = OTHER.writeCa(dir.resolve("other"));
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(new BackendTrust.CaFile(otherCa)));
    assertThatThrownBy(() -> connect(tls, "localhost")).hasMessageContaining("handshake failed");
  }

  @Test
  void systemCasRefuseAPrivateCa() throws Exception {
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(new BackendTrust.SystemCas()));
    assertThatThrownBy(() -> connect(tls, "localhost")).hasMessageContaining("handshake failed");
  }

  @Test
  void pinnedFingerprintAcceptsTheLeafWhateverTheName() throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(PemFiles.readCertificates(serverCert.certificateChain()).get(0).getEncoded());
    String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha);
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(BackendTrust.PinnedSha256.parse(hex)));
    assertThat(connect(tls, "any.name.example")).isEqualTo("TLSv1.3");
  }

  @Test
  void pinMismatchIsRefused() throws Exception {
    byte[] wrong = new byte[32];
    ClientTls tls = ClientTls.create(ClientTlsSpec.of(new BackendTrust.PinnedSha256(wrong)));
    assertThatThrownBy(() -> connect(tls, "localhost")).hasMessageContaining("handshake failed");
  }

  @Test
  void clientCertificateLoadsForMutualTls() throws Exception {
    CertificateSpec client = PKI.issue(dir, "client", KeyPairs.Type.RSA_2048, KeyFormat.ENCRYPTED_PKCS8, "gateway.example.test");
    ClientTls tls = ClientTls.create(
        ClientTlsSpec.of(new BackendTrust.CaFile(PKI.writeCa(dir))).withClientCertificate(client));
    // The server does not ask for it; this proves the encrypted client key loads and does not break the handshake.
    assertThat(connect(tls, "localhost")).isEqualTo("TLSv1.3");
  }
}

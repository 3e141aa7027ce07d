package dev.mailgate.gateway.tls;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/** Test helpers: a TLS server on loopback using {@link ServerTls}, and a JDK SSLSocket client. */
final class TlsProbe {

  private TlsProbe() {}

  /** A server that puts the SNI handler first and answers "hello" to every connection. */
  static DisposableServer server(ServerTls tls) {
    return TcpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle(
            (in, out) -> {
              io.netty.channel.Channel ch = ((reactor.netty.Connection) in).channel();
              ch.pipeline().addFirst("tls", tls.newHandler());
              return TlsHandshake.await(ch, "tls")
                  .then(out.sendString(Mono.just("hello\r\n")).then())
                  .then(in.receive().then());
            })
        .bindNow();
  }

  /** Handshakes with SNI {@code sni} (none when null) and returns the server's leaf certificate. */
  static X509Certificate leafFor(int port, String sni, String... protocols) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      SSLParameters p = s.getSSLParameters();
      if (sni != null) {
        p.setServerNames(List.of(new SNIHostName(sni)));
      }
      if (protocols.length > 0) {
        p.setProtocols(protocols);
      }
      s.setSSLParameters(p);
      s.startHandshake();
      byte[] hello = s.getInputStream().readNBytes(7);
      if (!"hello\r\n".equals(new String(hello, java.nio.charset.StandardCharsets.US_ASCII))) {
        throw new IOException("unexpected greeting");
      }
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  static List<String> dnsNames(X509Certificate cert) {
    return SniCertificates.names(cert);
  }
}

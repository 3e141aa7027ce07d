package dev.mailgate.bench.load.client;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;

/**
 * The load clients' shared resources: their own event loops (so the harness's work is not mixed
 * with anything else in the JVM), and one TLS context over OpenSSL that trusts the bench CA and
 * keeps no session cache, so every TLS connection is a full handshake.
 */
public final class Clients implements AutoCloseable {

  private final LoopResources loops;
  private final SslContext tls;

  public Clients(int threads, Path caFile) throws SSLException {
    this.loops = LoopResources.create("load-client", threads, true);
    this.tls = SslContextBuilder.forClient()
        .sslProvider(SslProvider.OPENSSL)
        .trustManager(caFile.toFile())
        .build();
    // no resumption: each handshake does the full key exchange, the cost the scenario measures
    ((OpenSslSessionContext) tls.sessionContext()).setSessionCacheEnabled(false);
  }

  /** A client for 127.0.0.1:{@code port}, with TLS from the first byte when {@code implicitTls}. */
  public TcpClient client(int port, boolean implicitTls) {
    TcpClient c = TcpClient.create(ConnectionProvider.newConnection())
        .runOn(loops)
        .host("127.0.0.1")
        .port(port);
    return implicitTls ? c.secure(spec -> spec.sslContext(tls)) : c;
  }

  @Override
  public void close() {
    loops.disposeLater().block();
  }
}

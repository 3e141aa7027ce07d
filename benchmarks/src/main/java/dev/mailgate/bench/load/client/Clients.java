package dev.mailgate.bench.load.client;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;

/**
 * The load clients' shared resources: their own event loops (so the harness's work is not mixed
 * with anything else in the JVM), and one TLS context over OpenSSL that trusts the bench CA and
 * keeps no session cache, so every TLS connection is a full handshake.
 */
public final class Clients implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Clients.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

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

  /**
   * Shuts the client loops down. Called after the report is written: loops that do not stop in
   * time (a connection still being torn down) are reported, not turned into a failed run.
   */
  @Override
  public void close() {
    loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT)
        .onErrorResume(e -> {
          LOG.warn("client loops not stopped within {}: {}", CLOSE_TIMEOUT, e.toString());
          return Mono.empty();
        })
        .block();
  }
}

package dev.mailgate.gateway.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Client-side TLS towards one backend, built once from a {@link ClientTlsSpec} and shared by every
 * connection to it. {@link #newHandler} makes the per-connection {@link SslHandler} with SNI and,
 * unless the certificate is pinned, RFC 6125 hostname verification ("HTTPS" endpoint
 * identification, which also matches IP-address subjectAltNames).
 */
public final class ClientTls {

  private final ClientTlsSpec spec;
  private final SslContext context;
  private final boolean verifyHostname;

  private ClientTls(ClientTlsSpec spec, SslContext context) {
    this.spec = spec;
    this.context = context;
    this.verifyHostname = !(spec.trust() instanceof BackendTrust.PinnedSha256);
  }

  /** Builds the context; reads the CA file and the client certificate now. */
  public static ClientTls create(ClientTlsSpec spec) throws IOException {
    SslProvider provider = TlsProvider.choose(spec.preferOpenSsl());
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols(spec.protocols())
            .ciphers(spec.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
            // Set per handler instead, so that pinned backends skip it.
            .endpointIdentificationAlgorithm(null);
    // SystemCas: no trust manager set, so the JDK's default trust store applies.
    if (spec.trust() instanceof BackendTrust.CaFile f) {
      b.trustManager(PemFiles.readCertificates(f.file()));
    } else if (spec.trust() instanceof BackendTrust.PinnedSha256 p) {
      b.trustManager(new PinnedCertificateTrustManager(p.fingerprint()));
    }
    if (spec.clientCertificate() != null) {
      KeyMaterial m = PemFiles.load(spec.clientCertificate());
      b.keyManager(m.privateKey(), m.chainArray());
    }
    try {
      return new ClientTls(spec, b.build());
    } catch (javax.net.ssl.SSLException e) {
      throw new IOException("cannot build backend TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * A handler for one connection to {@code host:port}; put it first in the pipeline.
   *
   * @param handshakeTimeout the handshake must complete within this
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port, Duration handshakeTimeout) {
    String name = spec.serverName() != null ? spec.serverName() : host;
    SslHandler handler = context.newHandler(alloc, name, port);
    handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    if (verifyHostname) {
      params.setEndpointIdentificationAlgorithm("HTTPS");
    }
    if (!CertificateIssuer.isIpLiteral(name)) {
      params.setServerNames(List.of(new SNIHostName(name)));
    }
    engine.setSSLParameters(params);
    return handler;
  }

  public ClientTlsSpec spec() {
    return spec;
  }
}

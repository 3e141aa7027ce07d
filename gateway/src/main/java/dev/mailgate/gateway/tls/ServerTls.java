package dev.mailgate.gateway.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's server-side TLS: one {@link SslContext} per configured certificate, chosen per
 * connection by SNI (RFC 6066 section 3) through Netty's {@link SniHandler}, swapped atomically when
 * {@link #reload()} (or the {@link CertificateWatcher}) loads changed files. Handshakes in progress
 * keep the context they started with; new handshakes get the new one.
 *
 * <p>Session resumption (RFC 8446 section 2.2; RFC 5077 for TLS 1.2): a session cache per context
 * plus, with OpenSSL, one random session-ticket key shared by every context and kept across
 * reloads, so a ticket issued before a certificate swap still resumes after it.
 *
 * <p>Limits: a ClientHello is accepted up to {@link #MAX_CLIENT_HELLO} bytes; the whole handshake
 * must finish within the spec's handshake timeout.
 */
public final class ServerTls implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  /** Largest ClientHello accepted while looking for the SNI extension. */
  public static final int MAX_CLIENT_HELLO = 16 * 1024;

  /**
   * Bytes tcnative allocates per OpenSSL connection, for its whole life, for TLS records written
   * outside a wrap (alerts, tickets sent while reading): Netty's default is 2,048. Handshake
   * flights and application data go straight to Netty's buffers; what does not fit here waits in
   * OpenSSL for the next wrap. Two TLS 1.3 tickets fit; the other kilobyte was memory every idle
   * connection held.
   */
  static final int BIO_NON_APPLICATION_BUFFER = 1024;

  private final TlsSpec spec;
  private final SslProvider provider;
  private final List<CertificateSpec> certificates;
  private final OpenSslSessionTicketKey ticketKey;
  private final AtomicReference<SniCertificates> current = new AtomicReference<>();
  private final CertificateWatcher watcher;

  private ServerTls(TlsSpec spec, List<CertificateSpec> certificates) throws IOException {
    this.spec = spec;
    this.provider = TlsProvider.choose(spec.preferOpenSsl());
    this.certificates = List.copyOf(certificates);
    this.ticketKey = provider == SslProvider.JDK ? null : newTicketKey();
    reload();
    this.watcher =
        spec.reloadInterval().isZero() || spec.reloadInterval().isNegative()
            ? null
            : CertificateWatcher.start(this.certificates, spec.reloadInterval(), this::reloadQuietly);
  }

  /**
   * Loads the spec's certificates (or the generated self-signed one) and, when the spec's reload
   * interval is positive, starts watching their files.
   */
  public static ServerTls start(TlsSpec spec) throws IOException {
    List<CertificateSpec> certs = spec.certificates();
    if (certs.isEmpty()) {
      certs = List.of(SelfSignedCertificateStore.ensure(spec.dataDirectory(), spec.hostName(), KeyPairs.Type.EC_P256));
    }
    return new ServerTls(spec, certs);
  }

  /**
   * A new handler for one connection: it reads the ClientHello, picks the context by SNI and replaces
   * itself with an {@link SslHandler}. Put it first in the pipeline (after a PROXY decoder).
   */
  public SniHandler newHandler() {
    return new TimedSniHandler(host -> current.get().map(host), spec.handshakeTimeout().toMillis());
  }

  /** The context a handshake for {@code host} would get now (null: the default certificate's). */
  SslContext context(String host) {
    return current.get().map(host);
  }

  /** The provider in use (OPENSSL or JDK). */
  public SslProvider provider() {
    return provider;
  }

  /** The certificates being served, the default first. */
  public List<CertificateSpec> certificates() {
    return certificates;
  }

  /** Loads every certificate again and swaps the SNI table; on any failure keeps the old table. */
  public void reload() throws IOException {
    List<SslContext> contexts = new ArrayList<>();
    List<X509Certificate> leaves = new ArrayList<>();
    for (CertificateSpec c : certificates) {
      KeyMaterial m = PemFiles.load(c);
      contexts.add(build(m));
      leaves.add(m.leaf());
    }
    SniCertificates previous = current.getAndSet(SniCertificates.of(contexts, leaves));
    if (previous != null) {
      LOG.info("tls: reloaded {} certificate(s)", contexts.size());
    } else {
      LOG.info("tls: serving {} certificate(s) with {}", contexts.size(), TlsProvider.describe(provider));
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (IOException | RuntimeException e) {
      // A half-written file is normal during a deploy: keep serving the old certificates.
      LOG.warn("tls: reload failed, keeping the current certificates: {}", e.getMessage());
    }
  }

  private SslContext build(KeyMaterial m) throws IOException {
    try {
      SslContext ctx =
          SslContextBuilder.forServer(m.privateKey(), m.chainArray())
              .sslProvider(provider)
              .protocols(spec.protocols())
              .ciphers(spec.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
              .sessionCacheSize(spec.sessionCacheSize())
              .sessionTimeout(spec.sessionTimeout().toSeconds())
              .build();
      if (ctx instanceof ReferenceCountedOpenSslContext openSslContext) {
        openSslContext.setBioNonApplicationBufferSize(BIO_NON_APPLICATION_BUFFER);
      }
      SSLSessionContext sessions = ctx.sessionContext();
      if (ticketKey != null && sessions instanceof OpenSslSessionContext openSsl) {
        openSsl.setTicketKeys(ticketKey);
      }
      return ctx;
    } catch (javax.net.ssl.SSLException e) {
      throw new IOException("cannot build TLS context: " + e.getMessage(), e);
    }
  }

  private static OpenSslSessionTicketKey newTicketKey() {
    SecureRandom r = new SecureRandom();
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    r.nextBytes(name);
    r.nextBytes(hmac);
    r.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  /** SniHandler whose SslHandler gets the configured handshake timeout. */
  private static final class TimedSniHandler extends SniHandler {
    private final long handshakeTimeoutMillis;

    TimedSniHandler(io.netty.util.Mapping<String, SslContext> mapping, long timeoutMillis) {
      super(mapping, MAX_CLIENT_HELLO, timeoutMillis);
      this.handshakeTimeoutMillis = timeoutMillis;
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
      SslHandler handler = super.newSslHandler(context, allocator);
      handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
      return handler;
    }
  }
}

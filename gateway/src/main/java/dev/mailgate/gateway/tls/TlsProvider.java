package dev.mailgate.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the TLS engine: OpenSSL (BoringSSL statically linked in netty-tcnative) when its native
 * library loads, else the JDK's provider. Logs the choice, and why OpenSSL is not used, once.
 */
public final class TlsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(TlsProvider.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private TlsProvider() {}

  /** The provider to use: OpenSSL when wanted and available. */
  public static SslProvider choose(boolean preferOpenSsl) {
    boolean openSsl = preferOpenSsl && OpenSsl.isAvailable();
    if (LOGGED.compareAndSet(false, true)) {
      if (OpenSsl.isAvailable()) {
        LOG.info("tls: provider {} ({}, native library available)",
            openSsl ? "OPENSSL" : "JDK", OpenSsl.versionString());
      } else {
        LOG.info("tls: provider JDK; OpenSSL unavailable: {}", String.valueOf(OpenSsl.unavailabilityCause()));
      }
    }
    return openSsl ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** Human-readable name of what {@link #choose} returns, for logs and reports. */
  public static String describe(SslProvider provider) {
    return provider == SslProvider.JDK ? "JDK" : "OpenSSL (" + OpenSsl.versionString() + ")";
  }
}

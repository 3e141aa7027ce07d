package dev.mailgate.gateway.net;

import dev.mailgate.gateway.tls.ServerTls;
import java.util.Objects;

/**
 * The runtime objects a listener needs besides its {@link ListenerSpec}.
 *
 * @param handler the protocol session hook
 * @param tls the server TLS (required for STARTTLS and implicit listeners; may be null for NONE)
 * @param proxyReader reads PROXY headers on PROXY-enabled listeners
 */
public record ListenerBinding(ProtocolHandler handler, ServerTls tls, ProxyHeaderReader proxyReader) {

  public ListenerBinding {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(proxyReader, "proxyReader");
  }

  public static ListenerBinding of(ProtocolHandler handler, ServerTls tls) {
    return new ListenerBinding(handler, tls, ProxyHeaderReader.NONE);
  }
}

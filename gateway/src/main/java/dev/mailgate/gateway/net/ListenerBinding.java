package dev.mailgate.gateway.net;

import dev.mailgate.gateway.policy.PolicyGate;
import dev.mailgate.gateway.tls.ServerTls;
import java.util.Objects;

/**
 * The runtime objects a listener needs besides its {@link ListenerSpec}.
 *
 * @param handler the protocol session hook
 * @param tls the server TLS (required for STARTTLS and implicit listeners; may be null for NONE)
 * @param proxyReader reads PROXY headers on PROXY-enabled listeners
 * @param policies admits each connection and gives the session its policies; null: no policies
 */
public record ListenerBinding(
    ProtocolHandler handler, ServerTls tls, ProxyHeaderReader proxyReader, PolicyGate policies) {

  public ListenerBinding {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(proxyReader, "proxyReader");
  }

  /** A binding without policies. */
  public ListenerBinding(ProtocolHandler handler, ServerTls tls, ProxyHeaderReader proxyReader) {
    this(handler, tls, proxyReader, null);
  }

  /** The same binding with connection admission and session policies from {@code gate}. */
  public ListenerBinding withPolicies(PolicyGate gate) {
    return new ListenerBinding(handler, tls, proxyReader, gate);
  }

  public static ListenerBinding of(ProtocolHandler handler, ServerTls tls) {
    return new ListenerBinding(handler, tls, ProxyHeaderReader.NONE);
  }
}

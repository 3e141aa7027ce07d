package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What is known about a session when it is accepted: its protocol, the name of the listener (from
 * the configuration) and the client's address, which is the PROXY-protocol source when a trusted
 * balancer sent one.
 */
public record SessionStart(Protocol protocol, String listener, InetSocketAddress client) {
  public SessionStart {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(client, "client");
  }
}

package dev.mailgate.gateway.pop3;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What is known of the client at login time: its real address (from a trusted PROXY header, else
 * the TCP peer), the listener's local address, the listener name and whether TLS is active.
 */
public record Pop3ClientFacts(
    InetSocketAddress client, InetSocketAddress local, String listener, boolean tls) {

  public Pop3ClientFacts {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(listener, "listener");
  }
}

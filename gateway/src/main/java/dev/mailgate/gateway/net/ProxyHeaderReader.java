package dev.mailgate.gateway.net;

import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The seam for the PROXY protocol (HAProxy's v1 text and v2 binary headers): the listener calls it
 * first on a connection from a trusted network of a PROXY-enabled listener, before TLS and before
 * the session. An implementation adds its decoder at the head of the pipeline ({@code addFirst}:
 * on implicit-TLS listeners the TLS handler is already there, behind it), issues a read ({@code
 * channel.read()}: auto-read is off until the session subscribes), removes the decoder once the
 * header is consumed, forwarding any bytes after it to the next handler, and emits the client's
 * address as the header states it, or empty for a LOCAL command / UNKNOWN family (the TCP peer then
 * stays the client). A malformed header or a timeout is an error: the
 * listener closes the connection.
 *
 * <p>Peers outside the trusted networks never reach the reader: their connection is treated as a
 * direct one, so a header they send is just bad protocol input for the session.
 *
 * <p>The decoder itself belongs to protocol-codecs; {@link #NONE} refuses every connection of a
 * PROXY-enabled listener until one is wired in.
 */
@FunctionalInterface
public interface ProxyHeaderReader {

  Mono<InetSocketAddress> read(Connection connection);

  /** No decoder installed: PROXY-enabled listeners refuse trusted connections, loudly. */
  ProxyHeaderReader NONE =
      c -> Mono.error(new IllegalStateException("PROXY protocol enabled but no header reader is wired in"));
}

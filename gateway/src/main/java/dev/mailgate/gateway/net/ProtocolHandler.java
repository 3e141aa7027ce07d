package dev.mailgate.gateway.net;

import org.reactivestreams.Publisher;
import reactor.netty.Connection;

/**
 * The hook each protocol session implements: called once per accepted connection, after the PROXY
 * header (if any) was read and, on implicit-TLS listeners, after the TLS handshake completed. The
 * connection lives until the returned publisher terminates; then the listener closes it.
 *
 * <p>Rules for implementations: never block; read through {@link SessionContext#receiveObject()}
 * (it drops what was pipelined before STARTTLS) processing one request at a time; call {@link
 * SessionContext#authenticated()} after a successful login to lift the pre-login timeout.
 */
@FunctionalInterface
public interface ProtocolHandler {

  Publisher<Void> handle(Connection connection, SessionContext context);
}

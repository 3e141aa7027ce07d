package dev.mailgate.gateway.app;

import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The session of a listener whose protocol has no handler wired in {@link ProtocolHandlers}:
 * greets with the protocol's standard "temporarily unavailable" reply (PRODUCT.md "How it
 * answers") and closes, so clients retry later rather than hang.
 */
public final class UnavailableHandler implements ProtocolHandler {

  public static final UnavailableHandler INSTANCE = new UnavailableHandler();

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    String reply =
        switch (context.listener().protocol()) {
          case SMTP, SUBMISSION -> "421 4.3.0 mailgate: service not available yet\r\n";
          case IMAP -> "* BYE [UNAVAILABLE] mailgate: service not available yet\r\n";
          case POP3 -> "-ERR [SYS/TEMP] mailgate: service not available yet\r\n";
        };
    return connection.outbound().sendString(Mono.just(reply)).then();
  }
}

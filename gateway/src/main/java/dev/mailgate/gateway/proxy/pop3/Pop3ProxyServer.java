package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3CommandEncoder;
import dev.mailgate.codec.pop3.Pop3CommandEnds;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.CommandPacer;
import dev.mailgate.gateway.backend.Relay;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.pop3.Pop3Goodbye;
import dev.mailgate.gateway.pop3.Pop3PreLogin;
import dev.mailgate.gateway.pop3.Pop3Wire;
import dev.mailgate.gateway.proxy.RelayGoodbye;
import dev.mailgate.gateway.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.Connection;

/**
 * The POP3 proxy (issue 3 items 3-5, DESIGN.md "A session, end to end"): the gateway answers the
 * AUTHORIZATION state itself ({@link Pop3ProxySession} with {@link Pop3PreLogin}: greeting, CAPA,
 * STLS, USER/PASS, AUTH PLAIN and LOGIN), replays the login to the backend the {@link BackendChooser} names ({@link
 * Pop3BackendLogin}), answers the client with the backend's {@code +OK}, removes both legs' codecs
 * and becomes a raw two-way {@link Relay} with backpressure. Commands the client pipelined after
 * its login that were already decoded are re-encoded and go first; undecoded bytes follow as they
 * were. A commands-per-interval rule paces the relayed commands ({@link CommandPacer}, lines
 * counted by {@link Pop3CommandEnds}): one over the rate reaches the backend at its key's next
 * window, since a refusal could not be slotted into the backend's strictly ordered replies.
 *
 * <p>Kick and drain: {@code -ERR [SYS/TEMP]} ({@link Pop3Goodbye}) once the command being answered
 * is, before login; during the relay, {@link RelayGoodbye} with a {@link Pop3RelayConversation}
 * (never inside a response or a multi-line body; a drain waits for every command sent to be
 * answered).
 *
 * <pre>{@code
 * ProtocolHandler pop3 = new Pop3ProxyServer(connector, chooser, serverTls, Pop3ProxySettings.defaults("mail.example.org"));
 * registry.start(ListenerSpec.of("pop3", Protocol.POP3, bind, TlsMode.STARTTLS), ListenerBinding.of(pop3, serverTls));
 * }</pre>
 */
public final class Pop3ProxyServer implements ProtocolHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Pop3ProxyServer.class);

  /** The relay's kick and drain lines, encoded once rather than for every relayed session. */
  private static final RelayGoodbye.Lines GOODBYES =
      RelayGoodbye.Lines.of(Pop3Goodbye.KICKED_LINE, Pop3Goodbye.SHUTTING_DOWN_LINE);
  /** What CAPA lists before login besides the login capabilities: what every backend we front has. */
  static final List<String> BACKEND_CAPABILITIES = List.of("TOP", "UIDL");

  private final ServerTls tls;
  private final Pop3ProxySettings settings;
  private final Pop3BackendLogin login;
  private final Status greeting;

  /**
   * Sent to the backend in place of a line pipelined after login that did not decode: a keyword
   * no POP3 server knows, so it is refused with one single-line {@code -ERR} (RFC 1939 section 3).
   */
  static final byte[] UNPARSED_STAND_IN = "XMAILGATE-UNPARSED\r\n".getBytes(StandardCharsets.US_ASCII);

  /** @param tls the server TLS for STLS (null: STLS is not offered) */
  public Pop3ProxyServer(BackendConnector connector, BackendChooser chooser, ServerTls tls, Pop3ProxySettings settings) {
    this.tls = tls;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.login = new Pop3BackendLogin(Objects.requireNonNull(connector), Objects.requireNonNull(chooser), settings);
    this.greeting = Status.ok(settings.server().hostname() + " POP3 ready");
  }

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    Pop3Wire wire = new Pop3Wire(connection, context, settings.server());
    Pop3PreLogin<BackendDialogue> preLogin = new Pop3PreLogin<>(wire, tls, login, d -> d.backend().close(), BACKEND_CAPABILITIES);
    wire.install();
    Pop3Goodbye goodbye = Pop3Goodbye.install(wire);
    return new Pop3ProxySession(wire, preLogin, goodbye).login(greeting)
        .flatMap(backend -> relay(wire, backend, goodbye.handOff()))
        .doOnError(e -> LOG.debug("{}: pop3 proxy session failed: {}", context, e.toString()));
  }

  /** @param goodbyeOwed a kick or drain came during the login: the relay says goodbye at once */
  private Mono<Void> relay(Pop3Wire wire, BackendDialogue backend, boolean goodbyeOwed) {
    SessionContext context = wire.context();
    context.authenticated();
    context.backend(backend.backend().backend().name());
    return wire.removeCodecs()
        .then(Mono.fromRunnable(() -> RelayGoodbye.install(context, new Pop3RelayConversation(), GOODBYES, goodbyeOwed)))
        .then(backend.detach())
        .then(Relay.run(
            wire.connection(),
            context.receiveObject().handle(Pop3ProxyServer::toBytes).hide(),
            backend.backend(),
            settings.relayIdleTimeout(),
            null,
            null,
            CommandPacer.of(context.policies(), Pop3CommandEnds::new)))
        .doOnNext(r -> {
          if (LOG.isDebugEnabled()) { // five arguments: an array and two boxed longs per session
            LOG.debug("{}: relay to {} ended ({}): {} bytes up, {} down", context,
                backend.backend().backend().name(), r.end(), r.clientToBackend(), r.backendToClient());
          }
        })
        .doFinally(s -> backend.backend().close())
        .then();
  }

  /**
   * Turns what the client sent after its login back into bytes: commands the decoder had already
   * parsed are re-encoded, raw buffers pass as they are, and a decode failure (a line pipelined
   * with PASS that the gateway's stricter grammar refused, such as {@code LIST 0}, a bare
   * {@code RETR} or an extension the gateway does not know; its bytes are gone) becomes
   * {@link #UNPARSED_STAND_IN}, which the backend answers with one {@code -ERR}: every command
   * gets exactly one response, in order (RFC 1939 section 3, RFC 2449 section 6.6), where
   * dropping it left the client waiting for a reply that never came. Synchronous ({@code handle}, kept from fusing by {@code hide()}), so a raw buffer is
   * still alive when the relay retains it in its {@code onNext}, before the inbound releases it.
   *
   * <p>A re-encoded command becomes a buffer over a plain byte array: {@code handle} emits only
   * after this method returns, so it cannot release a buffer it made, and a heap array nobody
   * releases is simply collected (these are a few short lines, once per session).
   */
  private static void toBytes(Object msg, SynchronousSink<Object> sink) {
    if (msg instanceof ByteBuf) {
      sink.next(msg);
    } else if (msg instanceof Pop3Command cmd) {
      ByteBuf b = Unpooled.buffer();
      Pop3CommandEncoder.write(cmd, b);
      byte[] line = ByteBufUtil.getBytes(b);
      b.release();
      sink.next(Unpooled.wrappedBuffer(line));
    } else if (msg instanceof DecodeFailure f) {
      LOG.debug("a line pipelined after login did not decode ({}): the backend refuses a stand-in",
          f.detail());
      sink.next(Unpooled.wrappedBuffer(UNPARSED_STAND_IN));
    }
  }
}

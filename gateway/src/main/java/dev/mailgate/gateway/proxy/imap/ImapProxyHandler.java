package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.net.ProtocolHandler;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.netty.Connection;

/**
 * The IMAP proxy: one {@link ImapProxySession} per connection (pre-login dialogue answered here,
 * login replayed to the backend the {@link BackendChooser} names, then a raw relay).
 *
 * <pre>{@code
 * ProtocolHandler imap = ImapProxyHandler.create(
 *     ImapProxySettings.defaults("mail.example.org"), chooser, connector, serverTls, null);
 * registry.start(listenerSpec, ListenerBinding.of(imap, serverTls));
 * }</pre>
 */
public final class ImapProxyHandler implements ProtocolHandler, SessionRegistry.Leftovers {

  private final ImapProxySettings settings;
  private final BackendChooser chooser;
  private final BackendConnector connector;
  private final ServerTls serverTls;
  private final LoginVerifier verifier;
  private final LoginRouter router = new LoginRouter(this);
  /** Backend sessions kept after their client's LOGOUT, for the same user's next login here. */
  private final ParkedLogins parked = new ParkedLogins();
  /**
   * The greeting and the {@code * CAPABILITY} line for each pre-login list, by {@link
   * PreLoginCapabilities#index}: the same bytes for every session, so encoded once.
   */
  private final byte[][] greetings = new byte[4][];
  private final byte[][] capabilityLines = new byte[4][];

  private ImapProxyHandler(
      ImapProxySettings settings, BackendChooser chooser, BackendConnector connector, ServerTls serverTls,
      LoginVerifier verifier) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.chooser = Objects.requireNonNull(chooser, "chooser");
    this.connector = Objects.requireNonNull(connector, "connector");
    this.serverTls = serverTls;
    this.verifier = verifier;
    for (int i = 0; i < 4; i++) {
      List<String> caps = PreLoginCapabilities.of(i >= 2, (i & 1) != 0);
      ByteBuf greeting = Unpooled.buffer();
      ImapResponseEncoder.writeUntagged(greeting, ImapStatus.OK, ResponseCode.capability(caps), settings.hostname() + " ready");
      greetings[i] = ByteBufUtil.getBytes(greeting);
      greeting.release();
      ImapResponseWriter w = new ImapResponseWriter(UnpooledByteBufAllocator.DEFAULT, false).untagged().atom("CAPABILITY");
      for (String c : caps) {
        w.sp().atom(c);
      }
      ByteBuf line = w.crlf().build();
      capabilityLines[i] = ByteBufUtil.getBytes(line);
      line.release();
    }
  }

  /**
   * @param settings host name, limits, plaintext-auth networks, error and idle limits
   * @param chooser where each user's mailbox lives
   * @param connector opens backend connections (client TLS contexts live in its backends)
   * @param serverTls the listener's TLS for STARTTLS; null when the listener offers none
   * @param verifier verifies credentials at the gateway before a master-user login; null when
   *     logins are passed through (master-user routes are then refused)
   */
  public static ImapProxyHandler create(
      ImapProxySettings settings, BackendChooser chooser, BackendConnector connector, ServerTls serverTls,
      LoginVerifier verifier) {
    return new ImapProxyHandler(settings, chooser, connector, serverTls, verifier);
  }

  @Override
  public Publisher<Void> handle(Connection connection, SessionContext context) {
    return new ImapProxySession(this, connection, context).run();
  }

  /** {@code * OK [CAPABILITY ...] host ready}: not to be modified. */
  byte[] greeting(boolean startTlsAvailable, boolean loginAllowed) {
    return greetings[PreLoginCapabilities.index(startTlsAvailable, loginAllowed)];
  }

  /** {@code * CAPABILITY ...}: not to be modified. */
  byte[] capabilityLine(boolean startTlsAvailable, boolean loginAllowed) {
    return capabilityLines[PreLoginCapabilities.index(startTlsAvailable, loginAllowed)];
  }

  ImapProxySettings settings() {
    return settings;
  }

  BackendChooser chooser() {
    return chooser;
  }

  BackendConnector connector() {
    return connector;
  }

  ServerTls serverTls() {
    return serverTls;
  }

  LoginRouter router() {
    return router;
  }

  LoginVerifier verifier() {
    return verifier;
  }

  ParkedLogins parked() {
    return parked;
  }

  /** A kicked user's kept backend sessions are logged out: a kick leaves the user nothing to log in to. */
  @Override
  public void kicked(String user) {
    parked.forget(user);
  }

  @Override
  public int keptBackendSessions() {
    return parked.size();
  }

  /** Draining: kept sessions are logged out at the backend, and no more are kept. */
  @Override
  public void drained() {
    parked.close();
  }
}

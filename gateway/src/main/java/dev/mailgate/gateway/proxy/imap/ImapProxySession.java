package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapCommandEnds;
import dev.mailgate.codec.imap.ImapCommandFrame;
import dev.mailgate.codec.imap.ImapCommandFramer;
import dev.mailgate.codec.imap.ImapCommandParser;
import dev.mailgate.codec.imap.ImapCommands;
import dev.mailgate.codec.imap.ImapContinuationRequest;
import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.SaslServerExchange;
import dev.mailgate.codec.sasl.SaslStep;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.backend.BackendHandover;
import dev.mailgate.gateway.backend.CommandPacer;
import dev.mailgate.gateway.backend.Relay;
import dev.mailgate.gateway.metrics.LoginOutcome;
import dev.mailgate.gateway.net.ChannelWrites;
import dev.mailgate.gateway.net.CidrRange;
import dev.mailgate.gateway.net.CommandLoop;
import dev.mailgate.gateway.net.Immediate;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.net.StartTls;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.proxy.RelayGoodbye;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.policy.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * One client's IMAP session on the proxy: the not-authenticated state of RFC 9051 section 3.1
 * answered here, then the relay.
 *
 * <p>Commands: CAPABILITY ({@link PreLoginCapabilities}), NOOP, LOGOUT, STARTTLS (RFC 2595 section
 * 3.1, pipelined plaintext discarded), ID (RFC 2971; answered here, the client's fields kept for
 * the backend), LOGIN, AUTHENTICATE PLAIN / LOGIN / XOAUTH2 / OAUTHBEARER with SASL-IR (RFC 4959).
 * Plaintext logins outside {@link ImapProxySettings#plaintextAuthNetworks()} get {@code NO
 * [PRIVACYREQUIRED]}; other commands get {@code BAD}; broken syntax or limits get the codec's reply
 * table ({@code BAD [TOOBIG]} for a line or literal too long). {@link
 * ImapProxySettings#maxErrors()} errors end the session with {@code * BYE}, as does the pre-login
 * timeout. Each command but LOGOUT passes the commands-per-interval rules first ({@code NO [LIMIT]}
 * when over; SASL continuation lines are not commands). After login the session is a byte relay
 * (DESIGN.md "Relay"), where those rules pace rather than refuse ({@link CommandPacer}: a command
 * over the rate reaches Dovecot at its key's next window; the relay only finds where commands
 * end, {@link ImapCommandEnds}), so the backend's replies are never reordered.
 *
 * <p>Reading: raw socket reads are framed by a private {@link Framing} one read at a time ({@link
 * CommandLoop}), and the next read is requested only after every command of this one was answered,
 * so what waits is bounded by one read. Replies known at once (most of them) are written to the
 * channel as they are decided and flushed once per read; only a command that waits for something
 * (a login, STARTTLS, a policy lookup) is a {@code Mono}, after which the rest of the read is
 * answered. When the login succeeds, unconsumed frames and buffered bytes go to the backend ahead
 * of the relay.
 *
 * <p>Kick and drain: before login, {@code * BYE} once the commands of the current read are
 * answered; during the relay, {@link RelayGoodbye} with an {@link ImapRelayConversation} (a drain
 * lets the command in flight finish; an IDLE is interrupted).
 */
final class ImapProxySession {

  private static final Logger LOG = LoggerFactory.getLogger(ImapProxySession.class);

  private final ImapProxyHandler handler;
  private final ImapProxySettings settings;
  private final Connection connection;
  private final SessionContext context;
  private final ImapCommandParser parser;
  /** The current read's framed commands, a few at a time (grows when a client pipelines more). */
  private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
  private Framing framing;
  private int errors;
  private Map<String, String> clientId;
  private SaslServerExchange sasl;
  private String saslTag;
  private boolean finished;
  private LoginRouter.Result.Relay relay;
  /** A read's commands are being answered (a goodbye before login waits for them). */
  private boolean busy;
  /** A kick or drain came while busy or during the login: its goodbye is owed. */
  private volatile boolean goodbyeOwed;
  private boolean goodbyeIsKick;
  /** The connection's event loop, kept: a closed channel no longer answers eventLoop(). */
  private final EventLoop loop;
  /** The last reply written (null before the first): what a read waits for when it must. */
  private ChannelFuture lastWrite;
  private boolean unflushed;

  static final String KICKED = "* BYE Disconnected by the administrator";
  static final String SHUTTING_DOWN = "* BYE [UNAVAILABLE] Server shutting down, please reconnect";
  private static final RelayGoodbye.Lines GOODBYES = RelayGoodbye.Lines.of(KICKED, SHUTTING_DOWN);

  ImapProxySession(ImapProxyHandler handler, Connection connection, SessionContext context) {
    this.handler = handler;
    this.settings = handler.settings();
    this.connection = connection;
    this.context = context;
    this.parser = new ImapCommandParser(settings.limits());
    this.framing = new Framing(() -> new ImapCommandFramer(settings.limits()));
    this.loop = connection.channel().eventLoop();
  }

  Mono<Void> run() {
    context.onTimeout(this::timedOut);
    context.onKick(() -> goodbyeBeforeRelay(true));
    context.onDrain(() -> goodbyeBeforeRelay(false));
    return Mono.defer(() -> {
          write(copy(handler.greeting(startTlsAvailable(), loginAllowed())));
          flush();
          return new CommandLoop(context.receiveObject(), this::onRead, this::readAnswered, loop, () -> finished);
        })
        .then(Mono.defer(this::afterDialogue))
        .doFinally(s -> cleanup());
  }

  private boolean startTlsAvailable() {
    return !context.isTls() && handler.serverTls() != null && context.listener().tlsMode() == TlsMode.STARTTLS;
  }

  /** TLS, or a client in the plaintext-auth networks (PRODUCT.md: loopback by default). */
  private boolean loginAllowed() {
    if (context.isTls()) {
      return true;
    }
    for (CidrRange r : settings.plaintextAuthNetworks()) {
      if (r.contains(context.client().getAddress())) {
        return true;
      }
    }
    return false;
  }

  /** One read: its commands answered in order; the loop asks for the next read after ({@link #readAnswered}). */
  private Mono<Void> onRead(Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      return Mono.empty();
    }
    pending.addAll(framing.feed(bytes.retain()));
    busy = true;
    return drain();
  }

  /**
   * A kick or drain before the relay (on the event loop): {@code * BYE} now, or once the commands
   * being answered are; a login that succeeds meanwhile hands the goodbye to the relay.
   */
  private void goodbyeBeforeRelay(boolean kick) {
    goodbyeIsKick |= kick;
    if (busy || finished) {
      goodbyeOwed = true;
      return;
    }
    sayGoodbye();
  }

  private void readAnswered() {
    busy = false;
    if (goodbyeOwed && !finished) {
      sayGoodbye();
    }
  }

  private void sayGoodbye() {
    finished = true;
    String line = goodbyeIsKick ? KICKED : SHUTTING_DOWN;
    connection.outbound().sendString(Mono.just(line + "\r\n"))
        .then()
        .doFinally(s -> connection.dispose())
        .subscribe(null, e -> { });
  }

  /**
   * Answers the framed commands of the current read in order, until the dialogue is over. Answers
   * known at once are written as they come and flushed together; an answer that must be waited
   * for is, and the rest of the read is answered after it.
   */
  private Mono<Void> drain() {
    while (!finished) {
      Object next = pending.poll();
      if (next == null) {
        break;
      }
      Mono<Void> answer;
      try {
        answer = answer(next);
      } finally {
        ReferenceCountUtil.release(next);
      }
      if (answer != Mono.<Void>empty()) {
        flush();
        return answer.then(Mono.defer(this::drain));
      }
    }
    flush();
    return written();
  }

  /**
   * What a read waits for before the next is asked for: nothing while the channel takes more (its
   * write buffer below the high water mark bounds what a client that does not read can make us
   * hold), else the last reply's write; and when the dialogue is over, its last reply's write, so
   * a LOGOUT's or a goodbye's lines go out before the connection closes and a login's OK before
   * the relay begins.
   */
  private Mono<Void> written() {
    ChannelFuture last = lastWrite;
    if (last == null || last.isDone() || (!finished && connection.channel().isWritable())) {
      return Mono.empty();
    }
    return ChannelWrites.completion(last);
  }

  /** Decides the answer to one framer output; runs synchronously, the frame is released after. */
  private Mono<Void> answer(Object msg) {
    if (msg instanceof ImapContinuationRequest) {
      return write(ImapResponseEncoder.continuation(alloc(), "Ready for literal data"));
    }
    if (msg instanceof DecodeFailure f) {
      sasl = null;
      return error(ImapResponseEncoder.failure(alloc(), f));
    }
    if (!(msg instanceof ImapCommandFrame frame)) {
      return Mono.empty();
    }
    if (sasl != null) {
      return saslStep(sasl.respond(Secret.ofString(ImapCommandParser.saslResponse(frame))));
    }
    ImapCommand c = parser.parse(frame);
    SessionPolicies policies = context.policies();
    if (policies.isOff() || c instanceof ImapCommand.Invalid || c instanceof ImapCommand.Done
        || c instanceof ImapCommand.Logout) {
      return command(c); // errors count toward max_errors; leaving is never refused
    }
    // a synchronous chain's answer is there already: applied now, without an operator
    return Immediate.flatMap(policies.command(), d -> {
      if (d instanceof Decision.Deny) {
        ImapCommands.release(c);
        return write(tagged(c.tag(), ImapStatus.NO, ResponseCode.LIMIT, "Too many commands, try again later"));
      }
      return command(c);
    });
  }

  private Mono<Void> command(ImapCommand c) {
    if (c instanceof ImapCommand.Capability) {
      return write(capabilityData(), ok(c.tag(), "CAPABILITY completed"));
    }
    if (c instanceof ImapCommand.Noop) {
      return write(ok(c.tag(), "NOOP completed"));
    }
    if (c instanceof ImapCommand.Logout) {
      finished = true;
      context.ending(EndReason.CLIENT_QUIT);
      return write(untagged(ImapStatus.BYE, null, "Logging out"), ok(c.tag(), "LOGOUT completed"));
    }
    if (c instanceof ImapCommand.StartTls) {
      return startTls(c.tag());
    }
    if (c instanceof ImapCommand.Id x) {
      clientId = x.parameters();
      return write(idData(), ok(x.tag(), "ID completed"));
    }
    if (c instanceof ImapCommand.Login x) {
      if (!loginAllowed()) {
        return privacyRequired(x.tag());
      }
      return login(x.tag(), new SaslCredentials.Password("", x.user(), Secret.ofString(x.password())), null);
    }
    if (c instanceof ImapCommand.Authenticate x) {
      return authenticate(x);
    }
    if (c instanceof ImapCommand.Invalid x) {
      return error(ImapResponseEncoder.failure(alloc(), x.failure()));
    }
    if (c instanceof ImapCommand.Done) {
      return error(untagged(ImapStatus.BAD, null, "DONE without IDLE"));
    }
    ImapCommands.release(c);
    return error(tagged(c.tag(), ImapStatus.BAD, null, "Command not valid before login"));
  }

  private Mono<Void> startTls(String tag) {
    if (context.isTls()) {
      return error(tagged(tag, ImapStatus.BAD, null, "TLS is already active"));
    }
    if (!startTlsAvailable()) {
      return error(tagged(tag, ImapStatus.BAD, null, "STARTTLS not available"));
    }
    // Anything framed after the command is plaintext the client could not have meant for the TLS
    // session (RFC 2595 section 3.1, CVE-2011-0411): drop it with the framer's buffer.
    while (!pending.isEmpty()) {
      ReferenceCountUtil.release(pending.poll());
    }
    framing.reset();
    // the plaintext OK must be on the wire before the TLS handler goes in
    return ChannelWrites.write(connection.channel(), ok(tag, "Begin TLS negotiation now"))
        .then(StartTls.upgrade(context, handler.serverTls(), Map.of()))
        .doOnError(e -> {
          LOG.debug("{}: STARTTLS failed: {}", context.id(), e.toString());
          finished = true;
        })
        .onErrorResume(e -> Mono.empty())
        .then();
  }

  private Mono<Void> authenticate(ImapCommand.Authenticate x) {
    SaslMechanism mech = SaslMechanism.lookup(x.mechanism());
    if (mech == null || !PreLoginCapabilities.MECHANISMS.contains(mech.wire())) {
      return write(tagged(x.tag(), ImapStatus.NO, null, "Unsupported authentication mechanism"));
    }
    if (!loginAllowed()) {
      return privacyRequired(x.tag());
    }
    sasl = SaslServerExchange.create(mech, settings.hostname());
    saslTag = x.tag();
    return saslStep(sasl.start(x.initialResponse() == null ? null : Secret.ofString(x.initialResponse())));
  }

  private Mono<Void> saslStep(SaslStep step) {
    String tag = saslTag;
    if (step instanceof SaslStep.Challenge c) {
      return write(ImapResponseEncoder.continuation(alloc(), c.base64()));
    }
    if (step instanceof SaslStep.Success s) {
      SaslMechanism mech = sasl.mechanism();
      sasl = null;
      return login(tag, s.credentials(), mech);
    }
    SaslMechanism mech = sasl.mechanism();
    sasl = null;
    if (step instanceof SaslStep.Rejected) {
      return rejected(tag, mech);
    }
    if (step instanceof SaslStep.Failure) {
      return error(tagged(tag, ImapStatus.BAD, null, "Invalid SASL response"));
    }
    return write(tagged(tag, ImapStatus.BAD, null, "Authentication cancelled"));
  }

  /**
   * A message that decoded but is no credentials of its mechanism ({@code AUTHENTICATE PLAIN =},
   * RFC 4959's empty initial response): Dovecot answers {@code NO [AUTHENTICATIONFAILED]}, not
   * {@code BAD}, and it is a guess like a wrong password, so it passes the login throttle and
   * counts as a failure there. Nothing reaches a backend.
   */
  private Mono<Void> rejected(String tag, SaslMechanism mechanism) {
    return context.policies().authenticate("", SessionPolicies.fingerprint(new byte[0]), attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        context.loginFailed(mechanism.wire(), LoginOutcome.REFUSED);
        return refused(tag, deny);
      }
      attempt.failed();
      context.loginFailed(mechanism.wire());
      return error(tagged(tag, ImapStatus.NO, ResponseCode.AUTHENTICATIONFAILED,
          LoginRouter.BAD_CREDENTIALS.text()));
    });
  }

  private Mono<Void> privacyRequired(String tag) {
    return write(tagged(tag, ImapStatus.NO, ResponseCode.PRIVACYREQUIRED, "Use STARTTLS or a TLS port to log in"));
  }

  private Mono<Void> login(String tag, SaslCredentials credentials, SaslMechanism mechanism) {
    ClientFacts facts =
        new ClientFacts(context.id(), context.listener().name(), context.client(), context.local(), context.isTls());
    String user = credentials.user() == null ? "" : credentials.user();
    String mech = mechanism == null ? "login" : mechanism.wire();
    SessionPolicies policies = context.policies();
    long fingerprint = fingerprint(credentials);
    return policies.authenticate(user, fingerprint, attempt -> {
      if (attempt.decision() instanceof Decision.Deny deny) {
        context.loginFailed(mech, LoginOutcome.REFUSED);
        return refused(tag, deny);
      }
      // each step's answer taken by one subscriber on this session's loop (no hop when the backend
      // connection shares it), not a flatMap each
      return Immediate.thenOn(handler.router().login(new LoginRequest(credentials, mechanism, facts, clientId, loop)), loop,
          result -> {
            if (result instanceof LoginRouter.Result.Relay r) {
              attempt.succeeded();
              // held here from now on, so that a session that ends while the user's slot is asked
              // for closes it (cleanup)
              relay = r;
              return Immediate.thenOn(policies.openUserSession(user), loop, slot -> {
                if (slot instanceof Decision.Deny deny) {
                  relay = null;
                  ReferenceCountUtil.release(r.residual());
                  r.backend().close();
                  context.loginFailed(mech, LoginOutcome.REFUSED);
                  return refused(tag, deny);
                }
                finished = true;
                context.loginSucceeded(user, mech);
                if (r.kept()) {
                  context.imapBackendSession("reused");
                }
                context.backend(r.backend().backend().name());
                return write(tagged(tag, ImapStatus.OK, r.capabilities(), "Logged in"));
              });
            }
            LoginRouter.Result.No no = (LoginRouter.Result.No) result;
            if (no.countsAsError()) {
              attempt.failed();
              context.loginFailed(mech);
            } else {
              context.loginFailed(mech, LoginOutcome.ERROR);
            }
            ByteBuf reply = tagged(tag, ImapStatus.NO, no.code(), no.text());
            return no.countsAsError() ? error(reply) : write(reply);
          },
          LoginRouter::discard);
    });
  }

  /** The password or token's fingerprint for the throttle (identical retries count once). */
  private static long fingerprint(SaslCredentials credentials) {
    byte[] secret = credentials instanceof SaslCredentials.Password p ? p.password().bytes()
        : credentials instanceof SaslCredentials.Token t ? t.token().bytes() : new byte[0];
    long f = SessionPolicies.fingerprint(secret);
    java.util.Arrays.fill(secret, (byte) 0);
    return f;
  }

  /**
   * A login a policy refused (PRODUCT.md "How it answers"); a locked-out (user, address) pair gets
   * the same answer as a wrong password, so a guesser learns nothing from it.
   */
  private Mono<Void> refused(String tag, Decision.Deny deny) {
    return switch (deny.kind()) {
      case TLS_REQUIRED -> write(tagged(tag, ImapStatus.NO, ResponseCode.PRIVACYREQUIRED,
          "Plaintext login is disabled; use STARTTLS"));
      case AUTH_THROTTLED -> error(tagged(tag, ImapStatus.NO, ResponseCode.AUTHENTICATIONFAILED,
          LoginRouter.BAD_CREDENTIALS.text()));
      default -> write(tagged(tag, ImapStatus.NO, ResponseCode.LIMIT, "Too many logins, try again later"));
    };
  }

  /** After the dialogue: the relay when logged in, else nothing (the listener closes). */
  private Mono<Void> afterDialogue() {
    LoginRouter.Result.Relay r = relay;
    if (r == null) {
      return Mono.empty();
    }
    relay = null;
    lastWrite = null;
    ByteBuf toBackend = framing.residual(pending.isEmpty() ? List.of() : new ArrayList<>(pending), alloc());
    pending.clear();
    // The pre-login framer and its line lists are done; an idle relayed session need not hold them.
    framing = null;
    context.idleTimeout(settings.relayIdleTimeout());
    context.onTimeout(connection::dispose);
    ImapRelayConversation conversation = new ImapRelayConversation();
    BackendHandover handover = null;
    if (r.reuse() != null) {
      handover = new BackendHandover();
      context.addCodec(LogoutHandover.NAME,
          new LogoutHandover(conversation, handover, () -> context.ending(EndReason.CLIENT_QUIT)));
    }
    RelayGoodbye.install(context, conversation, GOODBYES, goodbyeOwed);
    return Relay.run(connection, context.receiveObject(), r.backend(), settings.relayIdleTimeout(), toBackend, r.residual(),
            CommandPacer.of(context.policies(), ImapCommandEnds::new), handover)
        .doOnNext(res -> {
          if (res.end() == Relay.End.BACKEND_CLOSED) {
            context.ending(EndReason.BACKEND_CLOSED);
          } else if (res.end() == Relay.End.HANDED_OVER) {
            context.imapBackendSession("kept");
            handler.parked().park(r.reuse(), r.backend(), r.capabilities(), conversation.selected(), r.keep());
          }
        })
        .doOnNext(
            res ->
                LOG.debug("{}: relay to {} ended ({}), {} bytes up, {} down", context.id(), r.backend().backend().name(),
                    res.end(), res.clientToBackend(), res.backendToClient()))
        .then();
  }

  private void timedOut() {
    if (context.isAuthenticated()) {
      connection.dispose();
      return;
    }
    ChannelWrites.write(connection.channel(), untagged(ImapStatus.BYE, null, "Autologout; idle for too long"))
        .doFinally(s -> connection.dispose())
        .subscribe(null, e -> { });
  }

  private void cleanup() {
    while (!pending.isEmpty()) {
      ReferenceCountUtil.release(pending.poll());
    }
    if (framing != null) {
      framing.close();
    }
    LoginRouter.Result.Relay r = relay;
    if (r != null) {
      ReferenceCountUtil.release(r.residual());
      r.backend().close();
    }
  }

  /** Writes an error reply; too many errors end the session with {@code * BYE}. */
  private Mono<Void> error(ByteBuf reply) {
    if (++errors < settings.maxErrors()) {
      return write(reply);
    }
    finished = true;
    return write(reply, untagged(ImapStatus.BYE, null, "Too many errors"));
  }

  private ByteBuf capabilityData() {
    return copy(handler.capabilityLine(startTlsAvailable(), loginAllowed()));
  }

  /** A reply encoded once ({@link ImapProxyHandler}), in a buffer of the channel's. */
  private ByteBuf copy(byte[] reply) {
    return alloc().buffer(reply.length).writeBytes(reply);
  }

  private ByteBuf idData() {
    return new ImapResponseWriter(alloc(), false)
        .untagged().atom("ID").sp().open()
        .string("name").sp().string("mailgate").sp().string("vendor").sp().string("mailgate")
        .close().crlf().build();
  }

  private ByteBuf ok(String tag, String text) {
    return tagged(tag, ImapStatus.OK, null, text);
  }

  private ByteBuf tagged(String tag, ImapStatus status, ResponseCode code, String text) {
    return tag == null
        ? ImapResponseEncoder.untagged(alloc(), status, code, text)
        : ImapResponseEncoder.tagged(alloc(), tag, status, code, text);
  }

  private ByteBuf untagged(ImapStatus status, ResponseCode code, String text) {
    return ImapResponseEncoder.untagged(alloc(), status, code, text);
  }

  private ByteBufAllocator alloc() {
    return connection.channel().alloc();
  }

  /**
   * Writes replies of the dialogue, not yet flushed (the read's {@link #drain} flushes once); a
   * failed write closes the connection, which ends the dialogue. Returns {@code Mono.empty()}: the
   * answer is complete as written.
   */
  private Mono<Void> write(ByteBuf... replies) {
    for (ByteBuf r : replies) {
      lastWrite = connection.channel().write(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
    unflushed = true;
    return Mono.empty();
  }

  private void flush() {
    if (unflushed) {
      unflushed = false;
      connection.channel().flush();
    }
  }
}

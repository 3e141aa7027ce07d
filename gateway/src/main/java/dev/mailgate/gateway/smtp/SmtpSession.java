package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.smtp.BdatEnd;
import dev.mailgate.codec.smtp.DataEnd;
import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandDecoder;
import dev.mailgate.codec.smtp.SmtpContent;
import dev.mailgate.codec.smtp.SmtpDataDecoder;
import dev.mailgate.codec.smtp.SmtpLimits;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.codec.smtp.SmtpReplyEncoder;
import dev.mailgate.gateway.net.ChannelWrites;
import dev.mailgate.gateway.net.CommandLoop;
import dev.mailgate.gateway.net.EventLoops;
import dev.mailgate.gateway.net.Immediate;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.net.StartTls;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.SessionPolicies;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.policy.Decision;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One SMTP server session (RFC 5321 4.1, 4.3.2 sequencing) on one connection: the state machine
 * between the codec ({@link SmtpCommandDecoder}: DATA unstuffed, or PASS_THROUGH for a sink that
 * relays it as received; {@link SmtpReplyEncoder}) and a {@link TransactionSink}. Everything runs
 * on the connection's event loop: a command whose answer is known (no lookup, a synchronous policy)
 * is answered as it is handled, with no operator assembled or subscribed; asynchronous answers
 * (user store, domain lookup, sink) hop back with {@link Immediate#thenOn} before touching state,
 * a hop that costs nothing when the answer already comes on that loop (a relayed backend
 * connection shares it), and the sink's final reply with {@link FinalReply}. One inbound message
 * is handled at a time ({@link CommandLoop}), so a pipelined command waits in the socket (RFC
 * 2920) until the previous one is answered. AUTH lives in {@link SmtpAuth}, DATA and BDAT in {@link MessageIntake},
 * the reply table in {@link SmtpReplies}.
 */
final class SmtpSession {
  static final String DECODER = "smtp-decoder";
  static final String ENCODER = "smtp-encoder";

  final SessionContext ctx;
  final SmtpServerHandler server;
  final SmtpServerSettings settings;
  final Channel ch;
  final Scheduler loop;
  final boolean submission;
  final SessionPolicies policies;
  /** The listener's codec limits with the policies' maximum message size applied. */
  final SmtpLimits limits;
  private final SmtpAuth auth;

  // connection state (RFC 5321 4.1.4: EHLO, RSET and STARTTLS reset parts of it)
  String helo;
  boolean extended;
  String authUser;
  /** The client's credentials, kept only for accounts that pass logins through to a backend. */
  SaslCredentials authCredentials;
  private int errors;
  private boolean closing;
  /** A drain asked this session to finish: the next command outside a transaction gets 421. */
  private boolean draining;
  /**
   * Messages (commands or content) whose handling has started and whose end has not yet been seen
   * on the event loop; touched on the event loop only. A count, not a flag: the next pipelined
   * message starts as soon as the previous one completes, before the previous one's end runs on
   * the loop, and a flag cleared then would say "idle" while that next message is in flight.
   */
  private int inFlight;

  // the mail transaction (its content: MessageIntake)
  Envelope envelope;
  private TransactionSink route;
  /** The sink of the last transaction and its session facts: told when the session ends. */
  private TransactionSink lastSink;
  private SessionFacts lastFacts;
  TransactionSink.Transaction tx;
  int recipients;
  SmtpPath firstRecipient;
  private final MessageIntake intake;

  SmtpSession(SessionContext ctx, SmtpServerHandler server) {
    this.ctx = ctx;
    this.server = server;
    this.settings = server.settings();
    this.ch = ctx.connection().channel();
    // inline when already on the loop: the relay's backend replies arrive there, and a queued task
    // per RCPT and per message for the thread already running was measurable
    io.netty.channel.EventLoop eventLoop = ch.eventLoop();
    this.loop = Schedulers.fromExecutor(task -> EventLoops.run(eventLoop, task));
    this.submission = ctx.listener().protocol() == dev.mailgate.gateway.net.Protocol.SUBMISSION;
    this.policies = ctx.policies();
    long maxSize = Math.min(settings.limits().maxDataSize(), policies.maxMessageSize());
    this.limits = settings.limits().withMaxDataSize(maxSize)
        .withMaxBdatChunkSize(Math.min(settings.limits().maxBdatChunkSize(), maxSize));
    this.auth = new SmtpAuth(this);
    this.intake = new MessageIntake(this);
  }

  Mono<Void> run() {
    ctx.addCodec(DECODER, newDecoder());
    ctx.addCodec(ENCODER, SmtpReplyEncoder.INSTANCE);
    ctx.onTimeout(() -> ch.eventLoop().execute(() -> close(SmtpReplies.TIMEOUT)));
    ctx.onKick(() -> close(SmtpReplies.KICKED)); // abandons a transaction: no 250, the client retries
    ctx.onDrain(this::drain);
    SmtpReply greeting = SmtpReply.of(220, null, settings.hostname() + " ESMTP mailgate");
    return send(greeting)
        .then(new CommandLoop(ctx.receiveObject(), this::handle, this::handled, ch.eventLoop()))
        .doFinally(s -> connectionGone());
  }

  private SmtpCommandDecoder newDecoder() {
    return new SmtpCommandDecoder(limits, SmtpDataDecoder.Mode.UNSTUFF);
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private Mono<Void> handle(Object msg) {
    inFlight++;
    return onMessage(msg);
  }

  /** A message's handling ended (on the loop, however it ended). */
  private void handled() {
    inFlight--;
    SmtpCommandDecoder d = decoder();
    if (d != null) {
      d.messageHandled(); // releases its share of the pipelining budget: reading may go on
    }
    closeIfDrained();
  }

  /** A drain (on the event loop): close now unless a command or a transaction is in flight. */
  private void drain() {
    draining = true;
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (draining && inFlight == 0 && envelope == null && !intake.isReading()) {
      close(SmtpReplies.SHUTTING_DOWN);
    }
  }

  private Mono<Void> onMessage(Object msg) {
    if (closing) {
      return Mono.empty();
    }
    if (draining && envelope == null && !intake.isReading()) {
      return close(SmtpReplies.SHUTTING_DOWN);
    }
    if (msg instanceof SmtpContent c) {
      return intake.content(c);
    }
    if (msg instanceof DataEnd e) {
      return intake.dataEnd(e);
    }
    if (msg instanceof BdatEnd e) {
      return intake.bdatEnd(e);
    }
    if (msg instanceof DecodeFailure f) {
      return failure(f);
    }
    if (msg instanceof SmtpCommand c) {
      return command(c);
    }
    return Mono.empty(); // bytes a removed decoder left behind: plaintext before TLS, dropped
  }

  private Mono<Void> command(SmtpCommand c) {
    if (c instanceof SmtpCommand.AuthResponse r) {
      return auth.response(r);
    }
    if (c instanceof SmtpCommand.Bdat || policies.isOff()) {
      // a BDAT chunk's octets follow the command: refusing it here would lose the framing
      return dispatch(c);
    }
    return Immediate.flatMap(policies.command(), d -> {
      if (d instanceof Decision.Deny deny) {
        resumeCommands(); // a paused command (DATA, AUTH, STARTTLS) was refused: read on
        return send(SmtpReplies.forDeny(deny));
      }
      return dispatch(c);
    });
  }

  private Mono<Void> dispatch(SmtpCommand c) {
    if (c instanceof SmtpCommand.Ehlo e) {
      return hello(e.domain(), true);
    }
    if (c instanceof SmtpCommand.Helo h) {
      return hello(h.domain(), false);
    }
    if (c instanceof SmtpCommand.Mail m) {
      return mail(m);
    }
    if (c instanceof SmtpCommand.Rcpt r) {
      return rcpt(r);
    }
    if (c instanceof SmtpCommand.Data) {
      return intake.data();
    }
    if (c instanceof SmtpCommand.Bdat b) {
      return intake.bdat(b);
    }
    if (c instanceof SmtpCommand.Rset) {
      resetTransaction();
      return send(SmtpReplies.OK);
    }
    if (c instanceof SmtpCommand.Noop) {
      return send(SmtpReplies.OK);
    }
    if (c instanceof SmtpCommand.Quit) {
      ctx.ending(EndReason.CLIENT_QUIT);
      resetTransaction();
      return close(SmtpReply.of(221, "2.0.0", settings.hostname() + " closing connection"));
    }
    if (c instanceof SmtpCommand.Vrfy) {
      return send(SmtpReplies.VRFY);
    }
    if (c instanceof SmtpCommand.Help) {
      return send(SmtpReplies.HELP);
    }
    if (c instanceof SmtpCommand.StartTls) {
      return startTls();
    }
    if (c instanceof SmtpCommand.Auth a) {
      return auth.start(a);
    }
    return fail(SmtpReplies.NOT_IMPLEMENTED); // EXPN, XCLIENT: not offered
  }

  // ---- HELO / EHLO / STARTTLS ------------------------------------------------------------------

  private Mono<Void> hello(String domain, boolean ehlo) {
    resetTransaction();
    helo = domain;
    extended = ehlo;
    if (!ehlo) {
      return send(SmtpReply.of(250, null, settings.hostname()));
    }
    List<String> lines = new ArrayList<>();
    lines.add(settings.hostname() + " greets " + TraceHeaders.clean(domain));
    lines.add("PIPELINING");
    lines.add("SIZE " + limits.maxDataSize());
    lines.add("8BITMIME");
    lines.add("SMTPUTF8");
    lines.add("ENHANCEDSTATUSCODES");
    lines.add("CHUNKING");
    if (startTlsOffered()) {
      lines.add("STARTTLS");
    }
    if (authAllowed() && authUser == null) {
      lines.add("AUTH " + String.join(" ", server.accounts().mechanisms().stream().map(SaslMechanism::wire).toList()));
    }
    return send(new SmtpReply(250, null, lines));
  }

  private boolean startTlsOffered() {
    return ctx.listener().tlsMode() == TlsMode.STARTTLS && server.tls() != null && !ctx.isTls();
  }

  /** RFC 4954 4 / PRODUCT.md: AUTH only over TLS, or before it from the plaintext networks. */
  boolean authAllowed() {
    return ctx.isTls() || settings.plaintextAuthAllowed(ctx.client().getAddress());
  }

  private Mono<Void> startTls() {
    if (!startTlsOffered()) {
      resumeCommands();
      return fail(ctx.isTls() ? SmtpReplies.ALREADY_TLS : SmtpReplies.NOT_IMPLEMENTED);
    }
    resetTransaction();
    return sendAndWait(SmtpReplies.READY_FOR_TLS)
        .then(StartTls.upgrade(ctx, server.tls(), Map.of(DECODER, this::newDecoder)))
        .publishOn(loop)
        .doOnNext(tls -> {
          // RFC 3207 4.2: discard any knowledge obtained from the client before TLS
          helo = null;
          extended = false;
          authUser = null;
        })
        .then()
        .onErrorResume(e -> {
          closing = true;
          ch.close();
          return Mono.empty();
        });
  }

  // ---- MAIL / RCPT ------------------------------------------------------------------------------

  private Mono<Void> mail(SmtpCommand.Mail m) {
    if (helo == null) {
      return fail(SmtpReplies.HELO_FIRST);
    }
    if (envelope != null || intake.isOpen()) {
      return fail(SmtpReplies.NESTED_MAIL);
    }
    if (submission && authUser == null) {
      return fail(SmtpReplies.AUTH_REQUIRED);
    }
    MailParameters p = m.parameters();
    if (p.body() == MailParameters.Body.BINARYMIME || p.ret() != null || p.envid() != null
        || !p.others().isEmpty()) {
      return fail(SmtpReplies.UNSUPPORTED_PARAMETER);
    }
    if (p.size() > limits.maxDataSize()) {
      policies.countRefusal(dev.mailgate.policy.PolicyEngine.MAX_MESSAGE_SIZE);
      return send(SmtpReplies.MESSAGE_TOO_BIG);
    }
    if (m.from().utf8() && !p.smtpUtf8()) {
      return fail(SmtpReplies.NON_ASCII_ADDRESS);
    }
    if (authUser == null || m.from().isNull() || !policies.senderMustMatchUser()) {
      return mailPolicies(m);
    }
    // an authenticated client may only send as itself or one of its aliases (no spoofing): the
    // configured aliases first, then the account store's
    String sender = RecipientRules.mailbox(m.from());
    Mono<Boolean> owned = policies.senderOwnedByRule(authUser, sender) ? Mono.just(true)
        : server.accounts().mayUseSender(authUser, sender).defaultIfEmpty(false).onErrorReturn(false);
    return Immediate.thenOn(owned, ch.eventLoop(), own -> {
      if (own) {
        return mailPolicies(m);
      }
      policies.countRefusal(dev.mailgate.policy.PolicyEngine.SENDER_MUST_MATCH_USER);
      return fail(SmtpReplies.SENDER_NOT_OWNED);
    });
  }

  /** Messages per interval and the declared size, then the transaction starts. */
  private Mono<Void> mailPolicies(SmtpCommand.Mail m) {
    return Immediate.flatMap(policies.mailFrom(Math.max(0, m.parameters().size())),
        d -> d instanceof Decision.Deny deny ? send(SmtpReplies.forDeny(deny)) : startTransaction(m));
  }

  private Mono<Void> startTransaction(SmtpCommand.Mail m) {
    String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    envelope = new Envelope(id, facts(), m.from(), m.parameters(), Instant.now());
    if (!submission) {
      ctx.authenticated(); // MX listeners: a started transaction ends the pre-login phase
    }
    return send(SmtpReplies.MAIL_OK);
  }

  SessionFacts facts() {
    return new SessionFacts(settings.hostname(), helo, extended, ctx.client(),
        ctx.isTls() ? ctx.tls().getProtocol() : null,
        ctx.isTls() ? ctx.tls().getCipherSuite() : null, authUser, submission, authCredentials);
  }

  private Mono<Void> rcpt(SmtpCommand.Rcpt r) {
    if (envelope == null) {
      return fail(SmtpReplies.MAIL_FIRST);
    }
    if (intake.isOpen()) {
      return fail(SmtpReplies.BAD_SEQUENCE);
    }
    if (recipients >= settings.maxRecipients()) {
      return send(SmtpReplies.TOO_MANY_RECIPIENTS);
    }
    RcptParameters p = r.parameters();
    if (!p.notifyOn().isEmpty() || p.orcpt() != null || !p.others().isEmpty()) {
      return fail(SmtpReplies.UNSUPPORTED_PARAMETER);
    }
    SmtpPath to = r.to();
    if (to.utf8() && !envelope.parameters().smtpUtf8()) {
      return fail(SmtpReplies.NON_ASCII_ADDRESS);
    }
    if (RecipientRules.isRelayHack(to)) {
      return fail(SmtpReplies.RELAY_DENIED);
    }
    return Immediate.flatMap(policies.rcpt(RecipientRules.mailbox(to), recipients + 1),
        d -> d instanceof Decision.Deny deny ? send(SmtpReplies.forDeny(deny)) : route(to, p));
  }

  private Mono<Void> route(SmtpPath to, RcptParameters p) {
    String domain = RecipientRules.domain(to);
    Mono<Boolean> local = domain == null ? Mono.just(true)
        : to.isAddressLiteral() ? Mono.just(false) : Immediate.onErrorReturn(server.domains().isLocal(domain), false);
    return Immediate.thenOn(local, ch.eventLoop(), isLocal -> {
      TransactionSink sink = isLocal ? server.local() : server.relay();
      if (!isLocal && authUser == null) {
        return fail(SmtpReplies.RELAY_DENIED);
      }
      if (sink == null) {
        return fail(SmtpReplies.NO_RELAY_ROUTE);
      }
      if (route != null && route != sink) {
        return send(SmtpReplies.OTHER_ROUTE);
      }
      if (tx == null) {
        route = sink;
        tx = sink.begin(envelope);
        lastSink = sink;
        lastFacts = envelope.session();
      }
      TransactionSink.Transaction t = tx;
      return Immediate.thenOn(t.recipient(to, p), ch.eventLoop(), v -> {
        String backend = t.backend();
        if (backend != null) {
          ctx.backend(backend); // a relay names its backend once the first recipient opened it
        }
        return recipientVerdict(to, v);
      });
    });
  }

  private Mono<Void> recipientVerdict(SmtpPath to, RecipientVerdict v) {
    if (v instanceof RecipientVerdict.Accepted a) {
      if (recipients++ == 0) {
        firstRecipient = to;
      }
      return send(a.reply());
    }
    SmtpReply refusal = ((RecipientVerdict.Refused) v).reply();
    if (recipients == 0) {
      abortSinkTransaction(); // nothing taken yet: another route may still be chosen
    }
    return refusal.isPermanentFailure() ? fail(refusal) : send(refusal);
  }

  // ---- failures ----------------------------------------------------------------------------------

  private Mono<Void> failure(DecodeFailure f) {
    if (intake.isReading()) {
      return intake.failed(f);
    }
    if (auth.inProgress()) {
      return auth.failed(f);
    }
    SmtpCommandDecoder d = decoder();
    if (d != null && d.tooManyErrors()) {
      return close(SmtpReplies.TOO_MANY_ERRORS);
    }
    return fail(SmtpReplies.forFailure(f));
  }

  // ---- transaction state -------------------------------------------------------------------------

  /** RSET, EHLO, STARTTLS, QUIT, or a failed message: forget the transaction and abort the sink's. */
  void resetTransaction() {
    intake.abort("transaction reset");
    abortSinkTransaction();
    endTransaction();
  }

  private void abortSinkTransaction() {
    TransactionSink.Transaction t = tx;
    tx = null;
    route = null;
    if (t != null) {
      t.abort().subscribe(); // fire and forget: the sink only releases what it holds
    }
  }

  /** The transaction ended (delivered, refused or reset). */
  /** Counts a message whose final reply is about to go out, by the sink it went to. */
  void countMessage(SmtpReply reply) {
    if (!reply.isPositive()) {
      return;
    }
    if (route != null && route == server.local()) {
      ctx.messageDelivered();
    } else {
      ctx.messageRelayed();
    }
  }

  void endTransaction() {
    envelope = null;
    tx = null;
    route = null;
    recipients = 0;
    firstRecipient = null;
    intake.clear();
  }

  private void connectionGone() {
    closing = true;
    resetTransaction();
    if (lastSink != null) {
      lastSink.sessionEnded(lastFacts); // a relay's parked backend session gets its QUIT now
      lastSink = null;
    }
    if (authCredentials != null) {
      SmtpAccounts.wipe(authCredentials);
      authCredentials = null;
    }
  }

  // ---- replies -------------------------------------------------------------------------------------

  SmtpCommandDecoder decoder() {
    return (SmtpCommandDecoder) ch.pipeline().get(DECODER);
  }

  /** After a paused command (DATA, AUTH, an AUTH response, STARTTLS) got its final reply. */
  void resumeCommands() {
    SmtpCommandDecoder d = decoder();
    if (d != null && d.isPaused()) {
      d.resumeCommands();
    }
  }

  /** Writes a reply; waits for the write only when the client is not reading its replies. */
  Mono<Void> send(SmtpReply reply) {
    ChannelFuture f = ch.writeAndFlush(reply);
    return ch.isWritable() ? Mono.empty() : ChannelWrites.completion(f);
  }

  Mono<Void> sendAndWait(SmtpReply reply) {
    return ChannelWrites.completion(ch.writeAndFlush(reply));
  }

  /** A refused command: counts towards {@link dev.mailgate.codec.smtp.SmtpLimits#maxErrors()}. */
  Mono<Void> fail(SmtpReply reply) {
    if (++errors >= limits.maxErrors()) {
      ch.write(reply);
      return close(SmtpReplies.TOO_MANY_ERRORS);
    }
    return send(reply);
  }

  Mono<Void> close(SmtpReply reply) {
    if (!closing) {
      closing = true;
      if (intake.isOpen()) {
        resetTransaction();
      }
      ch.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }
    return Mono.empty();
  }
}

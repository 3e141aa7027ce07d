package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapCommandFrame;
import dev.mailgate.codec.imap.ImapCommandFramer;
import dev.mailgate.codec.imap.ImapCommandParser;
import dev.mailgate.codec.imap.ImapCommands;
import dev.mailgate.codec.imap.ImapContinuationRequest;
import dev.mailgate.codec.imap.ImapLiteralChunk;
import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.policy.Decision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * One IMAP connection of the local tier (RFC 3501 section 3 states: not authenticated,
 * authenticated, selected, logout). Inbound frames and the selected mailbox's store events are
 * merged into one stream processed strictly one item at a time ({@code concatMap}), so commands
 * run serially and responses go out in order. Store events wait in a {@link ChangeFeed} for the
 * next command boundary, or are pushed at once during IDLE. The session parses frames itself (rather than through {@code
 * ImapCommandDecoder}) because SASL responses and the APPEND continuation need the raw frame.
 *
 * <p>STARTTLS safety: every inbound message is stamped with the TLS epoch when it is read; the
 * epoch moves on in the same event-loop task that {@code StartTls} discards pipelined input, so a
 * command pipelined after STARTTLS that the merge already prefetched is dropped too.
 *
 * <p>Limits: {@link LocalImapSettings#maxErrors()} protocol errors end the session with {@code * BYE
 * [LIMIT]}; a command over a commands-per-interval rule gets {@code NO [LIMIT]} and the session
 * goes on (PRODUCT.md "How it answers").
 */
final class ImapSession {
  private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
  static final String FRAMER = "imap-framer";
  private static final Object EOF = new Object();
  /** How long a kick waits for the answer being written before closing without {@code * BYE}. */
  static final Duration KICK_LIMIT = Duration.ofSeconds(5);

  enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

  /** An inbound message with the TLS epoch it was read in; holds one reference. */
  record Inbound(Object message, long epoch) {
    void release() {
      ReferenceCountUtil.release(message);
    }
  }

  final LocalImapHandler server;
  final SessionContext context;
  final Connection connection;
  final ByteBufAllocator alloc;
  final ImapCommandParser parser;
  final Capabilities capabilities;

  volatile ImapCommandFramer framer;
  private volatile long epoch;
  State state = State.NOT_AUTHENTICATED;
  String user;
  SelectedMailbox selected;
  boolean condStore;
  boolean qresync;
  /** UTF8=ACCEPT enabled (RFC 6855): mailbox names and strings travel as UTF-8. */
  boolean utf8;
  int errors;

  private final ChangeFeed changes = new ChangeFeed();
  private final AuthCommands auth;
  private final MailboxCommands mailboxes;
  private final ListCommand list;
  private final SelectCommands select;
  private final AppendCommand append;
  private final FetchCommand fetch;
  private final StoreCommands store;
  private final SearchCommand search;
  private final SortCommand sort;
  private final ThreadCommand thread;
  private final IdleCommand idle;
  /** The connection's event loop, kept: a closed channel no longer answers eventLoop(). */
  private final EventLoop loop;
  /** The event loop as a scheduler: work that came back from another thread continues here. */
  final Scheduler onLoop;
  /** Commands whose answer began / ended (volatile: a command may run off the loop). */
  private volatile long answering;
  private volatile long answered;
  /** A kick's or drain's {@code * BYE} waits for the answer being written; null when none is owed. */
  private String owedBye;
  private ResponseCode owedByeCode;
  private String appendTag;
  private String appendMailbox;
  private boolean droppingLiteral;

  ImapSession(LocalImapHandler server, Connection connection, SessionContext context) {
    this.server = server;
    this.context = context;
    this.connection = connection;
    this.loop = connection.channel().eventLoop();
    this.onLoop = Schedulers.fromExecutor(loop);
    this.alloc = connection.channel().alloc();
    this.parser = new ImapCommandParser(server.settings().limits());
    this.capabilities = new Capabilities(server.settings(), server.settings().plaintextAuthAllowed(context.client()));
    this.auth = new AuthCommands(this);
    this.mailboxes = new MailboxCommands(this);
    this.list = new ListCommand(this);
    this.select = new SelectCommands(this);
    this.append = new AppendCommand(this);
    this.fetch = new FetchCommand(this);
    this.store = new StoreCommands(this);
    this.search = new SearchCommand(this);
    this.sort = new SortCommand(this);
    this.thread = new ThreadCommand(this);
    this.idle = new IdleCommand(this);
  }

  Mono<Void> run() {
    framer = newFramer();
    context.addCodec(FRAMER, framer);
    context.onTimeout(this::timedOut);
    context.onKick(() -> byeBetweenResponses(null, "Disconnected by the administrator", KICK_LIMIT));
    context.onDrain(() -> byeBetweenResponses(ResponseCode.UNAVAILABLE, "Server shutting down, please reconnect", null));
    Flux<Object> inbound = context.receiveObject()
        .map(o -> (Object) new Inbound(ReferenceCountUtil.retain(o), epoch))
        .concatWith(Mono.just(EOF));
    // Wake-ups come from the store's writer thread: the session's work goes back to its event loop.
    Flux<Object> events = changes.wakes().publishOn(onLoop);
    String greeting = "[" + ResponseCode.capability(capabilities.forState(false, context.isTls()))
        + "] " + server.settings().hostname() + " IMAP4rev1 ready";
    return send(List.of(ImapResponseEncoder.untagged(alloc, ImapStatus.OK, null, greeting)))
        .thenMany(Flux.merge(inbound, events)
            .concatMap(this::process, 0)
            .takeWhile(go -> go))
        .doOnDiscard(Inbound.class, Inbound::release)
        .doFinally(s -> {
          changes.close();
          append.abort();
        })
        .then();
  }

  /** A new framer; called again by StartTls on the event loop, where it also moves the epoch. */
  ImapCommandFramer newFramer() {
    ImapCommandFramer f = new ImapCommandFramer(server.settings().limits());
    f.authenticated(state != State.NOT_AUTHENTICATED);
    epoch++;
    framer = f;
    return f;
  }

  private Mono<Boolean> process(Object item) {
    if (item == EOF) {
      return Mono.just(false);
    }
    if (item instanceof Inbound in) {
      long command = ++answering;
      return Mono.defer(() -> inbound(in))
          .onErrorResume(e -> {
            LOG.warn("{}: session failed", context, e);
            return send(List.of(ImapResponseEncoder.untagged(alloc, ImapStatus.BYE,
                ResponseCode.SERVERBUG, "Internal error"))).thenReturn(false);
          })
          .doFinally(s -> {
            in.release();
            loop.execute(() -> answered(command));
          });
    }
    if (item == ChangeFeed.WAKE) {
      changes.woken();
      Throwable lost = changes.lost();
      if (lost != null) {
        LOG.info("{}: lost the change stream ({}), closing", context, lost.toString());
        return send(List.of(ImapResponseEncoder.untagged(alloc, ImapStatus.BYE, ResponseCode.UNAVAILABLE,
            "Too many changes to follow, please reconnect"))).thenReturn(false);
      }
      takeChanges();
      return idle.active() ? idle.push().thenReturn(true) : Mono.just(true);
    }
    return Mono.just(true);
  }

  private Mono<Boolean> inbound(Inbound in) {
    if (in.epoch() != epoch) {
      return Mono.just(true); // pipelined before STARTTLS (CVE-2011-0411 class): dropped
    }
    Object msg = in.message();
    if (msg instanceof ImapLiteralChunk chunk) {
      return droppingLiteral ? Mono.just(true) : append.chunk(chunk).thenReturn(true);
    }
    if (msg instanceof ImapContinuationRequest) {
      return send(List.of(ImapResponseEncoder.continuation(alloc, "Ready for literal data")))
          .thenReturn(true);
    }
    if (msg instanceof DecodeFailure f) {
      return protocolError(ImapResponseEncoder.failure(alloc, f));
    }
    if (!(msg instanceof ImapCommandFrame frame)) {
      return Mono.just(true);
    }
    if (droppingLiteral) {
      droppingLiteral = frame.streamed();
      return Mono.just(true);
    }
    if (auth.awaitingResponse()) {
      return auth.response(ImapCommandParser.saslResponse(frame)).thenReturn(true);
    }
    ImapCommand command = frame.continuation()
        ? parser.parseContinuation(frame, appendTag, appendMailbox)
        : parser.parse(frame);
    if (countsAsCommand(command)) {
      boolean streamed = frame.streamed();
      return context.policies().command().flatMap(d -> {
        if (d instanceof Decision.Deny) {
          ImapCommands.release(command);
          droppingLiteral = streamed; // a refused APPEND's literal is read and dropped
          return tagged(command.tag(), ImapStatus.NO, ResponseCode.LIMIT,
              "Too many commands, try again later").thenReturn(true);
        }
        return run(command, frame);
      });
    }
    return run(command, frame);
  }

  /**
   * Whether the commands-per-interval rules count this: every command once, pipelined or not, but
   * not the rest of an APPEND after its literal, IDLE's DONE, the lines while IDLE waits for it,
   * broken ones (protocol errors, counted by max_errors) or LOGOUT (leaving is never refused).
   */
  private boolean countsAsCommand(ImapCommand c) {
    return !context.policies().isOff() && !idle.active()
        && !(c instanceof ImapCommand.AppendContinuation || c instanceof ImapCommand.Done
            || c instanceof ImapCommand.Invalid || c instanceof ImapCommand.Logout);
  }

  private Mono<Boolean> run(ImapCommand command, ImapCommandFrame frame) {
    trackAppend(command);
    if (command instanceof ImapCommand.Invalid && frame.streamed()) {
      droppingLiteral = true;
    }
    return Mono.defer(() -> dispatch(command)).doFinally(s -> ImapCommands.release(command));
  }

  private void trackAppend(ImapCommand command) {
    boolean streaming = command instanceof ImapCommand.Append a && a.streaming()
        || command instanceof ImapCommand.AppendContinuation c && c.streaming();
    if (command instanceof ImapCommand.Append a && streaming) {
      appendTag = a.tag();
      appendMailbox = a.mailbox();
    } else if (!streaming) {
      appendTag = null;
      appendMailbox = null;
    }
  }

  private Mono<Boolean> dispatch(ImapCommand c) {
    if (idle.active()) {
      // a broken line, counted toward max_errors like any other
      return c instanceof ImapCommand.Done ? idle.done().thenReturn(true)
          : protocolError(idle.notDone());
    }
    if (c instanceof ImapCommand.Invalid inv) {
      ByteBuf reply = ImapResponseEncoder.failure(alloc, inv.failure());
      // A name that is not modified UTF-7 is a refusal like a missing mailbox, not a broken command.
      return inv.failure().error() == ProtocolError.BAD_MAILBOX_NAME
          ? send(List.of(reply)).thenReturn(true) : protocolError(reply);
    }
    String tag = c.tag();
    if (c instanceof ImapCommand.Logout) {
      state = State.LOGOUT;
      context.ending(EndReason.CLIENT_QUIT);
      return send(List.of(ImapResponseEncoder.untagged(alloc, ImapStatus.BYE, null,
              server.settings().hostname() + " logging out"),
          ImapResponseEncoder.tagged(alloc, tag, ImapStatus.OK, null, "LOGOUT completed")))
          .thenReturn(false);
    }
    return Mono.defer(() -> commandFor(c, tag))
        .thenReturn(true)
        .onErrorResume(e -> e instanceof ResponseCutShort cut ? cutShort(cut)
            : Failures.reply(this, tag, e).thenReturn(true));
  }

  /**
   * Closes the connection after a response that could not be finished ({@link ResponseCutShort}):
   * nothing more may be written into it, not even a BYE. Another session's expunge is an ordinary
   * cause (the client reconnects and learns of the EXPUNGE), logged at debug; anything else, such
   * as a stored body shorter than its index says, is worth a warning.
   */
  private Mono<Boolean> cutShort(ResponseCutShort e) {
    Throwable cause = e.getCause();
    if (cause instanceof MailStoreException m
        && m.reason() == MailStoreException.Reason.NO_SUCH_MESSAGE) {
      LOG.debug("{}: closing, a response was cut short by an expunge: {}", context, cause);
    } else {
      LOG.warn("{}: closing, a response was cut short", context, cause);
    }
    context.ending(EndReason.SERVER_CLOSED);
    connection.dispose();
    return Mono.just(false);
  }

  private Mono<Void> commandFor(ImapCommand c, String tag) {
    if (c instanceof ImapCommand.Capability x) {
      return capability(tag);
    }
    if (c instanceof ImapCommand.Noop x) {
      return complete(tag, null, "NOOP completed");
    }
    if (c instanceof ImapCommand.Id x) {
      return auth.id(x);
    }
    if (c instanceof ImapCommand.StartTls x) {
      return notAuthenticated(tag) ? auth.startTls(tag) : wrongState(tag);
    }
    if (c instanceof ImapCommand.Login x) {
      return notAuthenticated(tag) ? auth.login(x) : wrongState(tag);
    }
    if (c instanceof ImapCommand.Authenticate x) {
      return notAuthenticated(tag) ? auth.authenticate(x) : wrongState(tag);
    }
    if (c instanceof ImapCommand.Done x) {
      return tagged("*", ImapStatus.BAD, null, "DONE without IDLE");
    }
    return authenticatedCommand(c);
  }

  private Mono<Void> authenticatedCommand(ImapCommand c) {
    String tag = c.tag();
    if (state == State.NOT_AUTHENTICATED) {
      return tagged(tag, ImapStatus.BAD, null, "Log in first");
    }
    if (c instanceof ImapCommand.Select x) {
      return select.select(x);
    }
    if (c instanceof ImapCommand.Create x) {
      return mailboxes.create(x);
    }
    if (c instanceof ImapCommand.Delete x) {
      return mailboxes.delete(x);
    }
    if (c instanceof ImapCommand.Rename x) {
      return mailboxes.rename(x);
    }
    if (c instanceof ImapCommand.Subscribe x) {
      return mailboxes.subscribe(x.tag(), x.mailbox(), true);
    }
    if (c instanceof ImapCommand.Unsubscribe x) {
      return mailboxes.subscribe(x.tag(), x.mailbox(), false);
    }
    if (c instanceof ImapCommand.ListMailboxes x) {
      return list.list(x);
    }
    if (c instanceof ImapCommand.Lsub x) {
      return list.lsub(x);
    }
    if (c instanceof ImapCommand.Namespace x) {
      return mailboxes.namespace(tag);
    }
    if (c instanceof ImapCommand.Status x) {
      return mailboxes.status(x);
    }
    if (c instanceof ImapCommand.Append x) {
      return append.append(x);
    }
    if (c instanceof ImapCommand.AppendContinuation x) {
      return append.continuation(x);
    }
    if (c instanceof ImapCommand.Idle x) {
      return idle.start(tag);
    }
    if (c instanceof ImapCommand.Enable x) {
      return mailboxes.enable(x);
    }
    if (c instanceof ImapCommand.GetQuota x) {
      return mailboxes.getQuota(x);
    }
    if (c instanceof ImapCommand.GetQuotaRoot x) {
      return mailboxes.getQuotaRoot(x);
    }
    if (c instanceof ImapCommand.SetQuota x) {
      return tagged(tag, ImapStatus.NO, ResponseCode.NOPERM, "Quotas are set by the administrator");
    }
    if (c instanceof ImapCommand.Compress x) {
      return tagged(tag, ImapStatus.NO, null, "COMPRESS is not supported");
    }
    return selectedCommand(c);
  }

  private Mono<Void> selectedCommand(ImapCommand c) {
    String tag = c.tag();
    if (state != State.SELECTED) {
      return tagged(tag, ImapStatus.BAD, null, "No mailbox selected");
    }
    if (c instanceof ImapCommand.Check x) {
      return complete(tag, null, "CHECK completed");
    }
    if (c instanceof ImapCommand.Close x) {
      return select.close(tag, true);
    }
    if (c instanceof ImapCommand.Unselect x) {
      return select.close(tag, false);
    }
    if (c instanceof ImapCommand.Expunge x) {
      return select.expunge(x);
    }
    if (c instanceof ImapCommand.Search x) {
      return search.search(x);
    }
    if (c instanceof ImapCommand.Sort x) {
      return sort.sort(x);
    }
    if (c instanceof ImapCommand.Thread x) {
      return thread.thread(x);
    }
    if (c instanceof ImapCommand.Fetch x) {
      return fetch.fetch(x);
    }
    if (c instanceof ImapCommand.Store x) {
      return store.store(x);
    }
    if (c instanceof ImapCommand.Copy x) {
      return store.copy(x.tag(), x.uid(), x.set(), x.mailbox(), false);
    }
    if (c instanceof ImapCommand.Move x) {
      return store.copy(x.tag(), x.uid(), x.set(), x.mailbox(), true);
    }
    return tagged(tag, ImapStatus.BAD, null, "Command not supported");
  }

  MailboxCommands mailboxStatus() {
    return mailboxes;
  }

  private boolean notAuthenticated(String tag) {
    return state == State.NOT_AUTHENTICATED;
  }

  private Mono<Void> wrongState(String tag) {
    return tagged(tag, ImapStatus.BAD, null, "Already authenticated");
  }

  private Mono<Void> capability(String tag) {
    List<String> caps = capabilities.forState(state != State.NOT_AUTHENTICATED, context.isTls());
    return send(List.of(ChangeReporter.line(alloc, "* CAPABILITY " + String.join(" ", caps))))
        .then(complete(tag, null, "CAPABILITY completed"));
  }

  private Mono<Boolean> protocolError(ByteBuf reply) {
    errors++;
    if (errors >= server.settings().maxErrors()) {
      context.ending(EndReason.PROTOCOL_ERRORS);
      return send(List.of(reply, ImapResponseEncoder.untagged(alloc, ImapStatus.BYE, ResponseCode.LIMIT,
          "Too many errors"))).thenReturn(false);
    }
    return send(List.of(reply)).thenReturn(true);
  }

  // ---- selection -------------------------------------------------------------------------------

  /** Starts following a mailbox's events (called before its snapshot is read, so nothing is lost). */
  void follow(SelectedMailbox view) {
    selected = view;
    state = State.SELECTED;
    changes.follow(server.store(), view.id);
  }

  /** Moves the changes committed so far into the selected view's queue (others are stale). */
  private void takeChanges() {
    changes.take(e -> {
      if (selected != null && e.mailbox().equals(selected.id)) {
        selected.pending().add(e);
      }
    });
  }

  void unfollow() {
    selected = null;
    state = State.AUTHENTICATED;
    changes.stop();
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** A response writer that knows whether the client accepts UTF-8 (RFC 6855). */
  ImapResponseWriter writer() {
    return new ImapResponseWriter(alloc, utf8);
  }

  /**
   * Turns CONDSTORE on for a CONDSTORE enabling command (FETCH MODSEQ, SEARCH MODSEQ, STORE
   * UNCHANGEDSINCE, ENABLE CONDSTORE). RFC 7162 section 3.1: the first one issued while a mailbox
   * is selected must be answered with an untagged OK [HIGHESTMODSEQ] before its tagged reply, so
   * the client learns the mailbox's mod-sequence without selecting it again.
   */
  Mono<Void> enableCondStore() {
    if (condStore) {
      return Mono.empty();
    }
    condStore = true;
    SelectedMailbox v = selected;
    if (v == null) {
      return Mono.empty();
    }
    return send(List.of(ChangeReporter.line(alloc,
        "* OK [HIGHESTMODSEQ " + v.highestModSeq() + "] Highest")));
  }

  Mono<Void> send(List<ByteBuf> responses) {
    if (responses.isEmpty()) {
      return Mono.empty();
    }
    return connection.outbound().send(Flux.fromIterable(responses)).then();
  }

  Mono<Void> send(Flux<ByteBuf> responses) {
    return connection.outbound().send(responses).then();
  }

  Mono<Void> tagged(String tag, ImapStatus status, ResponseCode code, String text) {
    return Mono.defer(() -> send(List.of(tag == null || "*".equals(tag)
        ? ImapResponseEncoder.untagged(alloc, status, code, text)
        : ImapResponseEncoder.tagged(alloc, tag, status, code, text))));
  }

  /** Reports queued changes (expunges included), then {@code tag OK}. */
  Mono<Void> complete(String tag, ResponseCode code, String text) {
    return complete(tag, code, text, true);
  }

  /** Like {@link #complete(String, ResponseCode, String)}; expunges held back when not allowed. */
  Mono<Void> complete(String tag, ResponseCode code, String text, boolean allowExpunge) {
    return complete(tag, ImapStatus.OK, code, text, allowExpunge);
  }

  /** Reports queued changes, then {@code tag status}: NO for a command that partly failed. */
  Mono<Void> complete(String tag, ImapStatus status, ResponseCode code, String text,
      boolean allowExpunge) {
    return Mono.defer(() -> updates(allowExpunge)).flatMap(updates -> {
      List<ByteBuf> out = new ArrayList<>(updates);
      out.add(ImapResponseEncoder.tagged(alloc, tag, status, code, text));
      return send(out);
    });
  }

  /**
   * Untagged updates for the queued store events of the selected mailbox. New arrivals are first
   * claimed as \Recent in the store, so that only one session shows each as recent (RFC 3501
   * section 2.3.2); a read-only session only looks.
   */
  Mono<List<ByteBuf>> updates(boolean allowExpunge) {
    takeChanges();
    SelectedMailbox v = selected;
    if (v == null) {
      return Mono.just(List.of());
    }
    long newest = v.newestPendingArrival();
    Mono<Void> claim = newest <= v.maxUid() ? Mono.empty()
        : server.store().claimRecent(v.id, v.readOnly ? 0 : newest)
            .doOnNext(first -> v.claimRecent(first, newest)).then();
    return claim.then(Mono.fromSupplier(() -> selected != v ? List.<ByteBuf>of()
        : ChangeReporter.drain(alloc, v, allowExpunge, condStore || qresync, qresync)));
  }

  /**
   * The idle timer counts reads only, so it can fire while a long answer is still being written to
   * a slow reader: a {@code * BYE} then would land inside it (in a literal, read as message data),
   * and waiting for the answer could wait for ever, so the connection just closes.
   */
  private void timedOut() {
    if (answering != answered) {
      LOG.debug("{}: idle timeout while an answer was being written: closing without BYE", context);
      connection.dispose();
      return;
    }
    bye(null, "Autologout; idle for too long");
  }

  /**
   * A kick or a drain (on the event loop): {@code * BYE} now, or once the answer being written is
   * complete, never inside it. A kick waits at most {@code limit}, then closes without the BYE.
   */
  private void byeBetweenResponses(ResponseCode code, String text, Duration limit) {
    if (answering == answered) {
      bye(code, text);
      return;
    }
    owedBye = text;
    owedByeCode = code;
    if (limit != null) {
      loop.schedule(() -> {
        if (owedBye != null) {
          LOG.debug("{}: the answer being written outlasted the kick's {}: closing without BYE", context, limit);
          connection.dispose();
        }
      }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** A command's answer is complete (on the loop): a goodbye owed meanwhile is said now. */
  private void answered(long command) {
    answered = command;
    String text = owedBye;
    if (text != null && answering == command) {
      owedBye = null;
      bye(owedByeCode, text);
    }
  }

  /** Says {@code * BYE} and closes (a timeout, a kick, a drain: RFC 9051 section 7.1.5). */
  private void bye(ResponseCode code, String text) {
    send(List.of(ImapResponseEncoder.untagged(alloc, ImapStatus.BYE, code, text)))
        .onErrorResume(e -> Mono.empty())
        .doFinally(s -> connection.dispose())
        .subscribe();
  }
}

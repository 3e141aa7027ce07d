package dev.mailgate.gateway.local.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.pop3.Pop3Verb;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import dev.mailgate.gateway.pop3.Pop3Goodbye;
import dev.mailgate.gateway.pop3.Pop3LoginResult;
import dev.mailgate.gateway.pop3.Pop3PreLogin;
import dev.mailgate.gateway.pop3.Pop3Wire;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import dev.mailgate.mailbox.user.UserStore;
import dev.mailgate.gateway.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One local-tier POP3 session (RFC 1939): AUTHORIZATION through {@link Pop3PreLogin} with the
 * password checked against the {@link UserStore} and the maildrop locked ({@code [IN-USE]}), then
 * TRANSACTION (STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, CAPA) over a {@link Maildrop}
 * snapshot, and UPDATE at QUIT, where messages marked by DELE are expunged from the store. A
 * session that ends without QUIT deletes nothing (RFC 1939 section 6).
 *
 * <p>RETR and TOP stream the message from the store in its chunks with backpressure; a message is
 * never held whole in memory. Commands are handled one at a time in order (RFC 2449 PIPELINING).
 */
final class LocalPop3Session {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPop3Session.class);
  static final List<String> TRANSACTION_CAPABILITIES = List.of("TOP", "UIDL");

  private final Pop3Wire wire;
  private final MailStore store;
  private final UserStore users;
  private final MaildropLocks locks;
  private final LocalPop3Settings settings;
  private final MailboxProvisioning provisioning;
  private final Pop3PreLogin<Maildrop> preLogin;
  /** The user whose lock this session holds; released when the session ends, however it ends. */
  private volatile String lockedUser;
  private Maildrop maildrop;

  LocalPop3Session(
      Pop3Wire wire, ServerTls tls, MailStore store, UserStore users, MaildropLocks locks, LocalPop3Settings settings,
      MailboxProvisioning provisioning) {
    this.provisioning = provisioning;
    this.wire = wire;
    this.store = store;
    this.users = users;
    this.locks = locks;
    this.settings = settings;
    this.preLogin = new Pop3PreLogin<>(wire, tls, this::login, m -> unlock(), TRANSACTION_CAPABILITIES);
  }

  Mono<Void> run() {
    wire.install();
    // No APOP timestamp: RFC 1939 section 7 makes it the sign that APOP is implemented, and APOP
    // is refused here (it needs the clear-text password), so clients that try APOP whenever they
    // see one (mutt) would fail a login first and show the user an error.
    String greeting = settings.server().hostname() + " POP3 ready";
    Pop3Goodbye goodbye = Pop3Goodbye.install(wire);
    return wire.send(Status.ok(greeting))
        .thenMany(wire.context().receiveObject()
            .concatMap(msg -> goodbye.around(dispatch(msg), close -> close), 0)
            .takeUntil(close -> close))
        .then()
        .doFinally(s -> unlock());
  }

  /** Handles one inbound message; emits true when the session must end. */
  private Mono<Boolean> dispatch(Object msg) {
    if (maildrop == null) {
      return preLogin.handle(msg).map(this::afterPreLogin);
    }
    if (msg instanceof DecodeFailure f) {
      return wire.refuse(f);
    }
    Pop3Command cmd = (Pop3Command) msg;
    if (cmd.verb() == null) {
      return wire.refuse(Status.err("unexpected line"));
    }
    if (cmd.verb() == Pop3Verb.QUIT) {
      return update(); // leaving (and UPDATE) is never refused by a rate
    }
    return wire.commandAllowed().flatMap(ok -> ok ? transaction(cmd) : Mono.just(false));
  }

  /** A command of the TRANSACTION state (RFC 1939 section 5). */
  private Mono<Boolean> transaction(Pop3Command cmd) {
    return switch (cmd.verb()) {
      case STAT -> ok(Status.ok(maildrop.liveCount() + " " + maildrop.liveOctets()));
      case LIST -> list(((Pop3Command.List) cmd).message());
      case UIDL -> uidl(((Pop3Command.Uidl) cmd).message());
      case RETR -> retr(((Pop3Command.Retr) cmd).message(), -1);
      case TOP -> retr(((Pop3Command.Top) cmd).message(), ((Pop3Command.Top) cmd).lines());
      case DELE -> dele(((Pop3Command.Dele) cmd).message());
      case RSET -> {
        maildrop.reset();
        yield ok(Status.ok("maildrop has " + maildrop.liveCount() + " messages (" + maildrop.liveOctets() + " octets)"));
      }
      case NOOP -> ok(Status.ok(""));
      case CAPA -> ok(capabilities());
      case QUIT -> update();
      case USER, PASS, APOP, AUTH, STLS -> wire.refuse(Status.err("already authenticated"));
      default -> wire.refuse(Status.err("command not supported"));
    };
  }

  private boolean afterPreLogin(Pop3PreLogin.Outcome<Maildrop> outcome) {
    if (outcome instanceof Pop3PreLogin.Outcome.LoggedIn<Maildrop> in) {
      maildrop = in.value();
      wire.context().authenticated();
      LOG.debug("{}: user {} opened a maildrop of {} messages", wire.context(), maildrop.user(), maildrop.size());
      return false;
    }
    return outcome instanceof Pop3PreLogin.Outcome.Close<Maildrop>;
  }

  /** The {@link dev.mailgate.gateway.pop3.Pop3Authenticator} of the local tier. */
  private Mono<Pop3LoginResult<Maildrop>> login(SaslCredentials.Password credentials, Pop3ClientFacts client) {
    char[] password = credentials.password().chars();
    credentials.password().clear();
    String user = credentials.user();
    String authz = credentials.authzid();
    if (!authz.isEmpty() && !authz.equals(user)) {
      Arrays.fill(password, '\0');
      return refused(authFailed()); // RFC 4616 2: acting as another user is not supported
    }
    return users.verify(user, password)
        .doFinally(s -> Arrays.fill(password, '\0'))
        .flatMap(ok -> ok ? users.resolve(user).defaultIfEmpty(user).flatMap(this::open) : refused(authFailed()));
  }

  private Mono<Pop3LoginResult<Maildrop>> open(String user) {
    if (!locks.tryLock(user)) {
      return refused(Status.err(Pop3RespCode.IN_USE, "maildrop already locked by another session"));
    }
    lockedUser = user;
    return store.mailbox(user, MailboxName.INBOX)
        // a user added a moment ago whose mailboxes the gateway has not provisioned yet
        .onErrorResume(e -> e instanceof MailStoreException m && m.reason() == MailStoreException.Reason.NO_SUCH_USER,
            e -> provisioning.ensure(user).then(store.mailbox(user, MailboxName.INBOX)))
        .flatMap(
            inbox ->
                store.messages(inbox.id(), UidSet.all())
                    .take(settings.maxMessages())
                    .collectList()
                    .map(list -> new Maildrop(user, inbox.id(), inbox.uidValidity(), list)))
        .map(
            m -> (Pop3LoginResult<Maildrop>) new Pop3LoginResult.Accepted<>(
                m, Status.ok("maildrop has " + m.liveCount() + " messages (" + m.liveOctets() + " octets)")))
        .onErrorResume(
            e -> {
              LOG.warn("{}: cannot open the maildrop of {}: {}", wire.context(), user, e.toString());
              unlock();
              return refused(Status.err(Pop3RespCode.SYS_TEMP, "maildrop not available, try again later"));
            })
        .doOnCancel(this::unlock);
  }

  private void unlock() {
    String u = lockedUser;
    if (u != null) {
      lockedUser = null;
      locks.unlock(u);
    }
  }

  private static Status authFailed() {
    return Status.err(Pop3RespCode.AUTH, "invalid user name or password");
  }

  private static Mono<Pop3LoginResult<Maildrop>> refused(Status reply) {
    return Mono.just(new Pop3LoginResult.Refused<>(reply));
  }

  private Pop3Response.Listing capabilities() {
    List<String> caps = new ArrayList<>(TRANSACTION_CAPABILITIES);
    caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION mailgate"));
    return new Pop3Response.Listing("Capability list follows", caps);
  }

  private Mono<Boolean> list(OptionalInt n) {
    if (n.isPresent()) {
      return withMessage(n.getAsInt(), m -> Status.ok(m + " " + maildrop.octets(m)));
    }
    List<String> lines = new ArrayList<>(maildrop.liveCount());
    for (int m = 1; m <= maildrop.size(); m++) {
      if (maildrop.exists(m)) {
        lines.add(m + " " + maildrop.octets(m));
      }
    }
    return ok(new Pop3Response.Listing(maildrop.liveCount() + " messages (" + maildrop.liveOctets() + " octets)", lines));
  }

  private Mono<Boolean> uidl(OptionalInt n) {
    if (n.isPresent()) {
      return withMessage(n.getAsInt(), m -> Status.ok(m + " " + maildrop.uniqueId(m)));
    }
    List<String> lines = new ArrayList<>(maildrop.liveCount());
    for (int m = 1; m <= maildrop.size(); m++) {
      if (maildrop.exists(m)) {
        lines.add(m + " " + maildrop.uniqueId(m));
      }
    }
    return ok(new Pop3Response.Listing("unique-id listing follows", lines));
  }

  private Mono<Boolean> dele(int n) {
    return withMessage(n, m -> {
      maildrop.delete(m);
      return Status.ok("message " + m + " deleted");
    });
  }

  /** RETR ({@code lines < 0}) or TOP: the message streamed from the store, dot-stuffed by the encoder. */
  private Mono<Boolean> retr(int n, int lines) {
    if (!maildrop.exists(n)) {
      return noSuchMessage(n);
    }
    Flux<ByteBuf> chunks = store.content(maildrop.mailbox(), maildrop.uid(n), ByteRange.ALL).map(Unpooled::wrappedBuffer);
    if (lines >= 0) {
      TopFilter top = new TopFilter(lines);
      chunks = chunks.handle((chunk, sink) -> {
        if (!top.done()) {
          sink.next(top.next(chunk));
        }
        if (top.done()) {
          sink.complete();
        }
      });
    }
    Pop3Response.BodyStart start =
        new Pop3Response.BodyStart(lines < 0 ? maildrop.octets(n) + " octets" : "top of message follows");
    // The +OK waits for the store's first chunk: a message another session (IMAP) expunged since
    // the maildrop was opened then still gets a plain -ERR, and the session goes on.
    Flux<Object> body = chunks.switchOnFirst((first, all) -> first.isOnError()
        ? Flux.error(new NotStarted(first.getThrowable()))
        : Flux.concat(Mono.just(start), all, Mono.just(Pop3Response.BodyEnd.INSTANCE)));
    return wire.answer(body)
        .thenReturn(false)
        .onErrorResume(
            e -> {
              if (e instanceof NotStarted ns && ns.getCause() instanceof MailStoreException m
                  && m.reason() == MailStoreException.Reason.NO_SUCH_MESSAGE) {
                LOG.debug("{}: message {} of {} is gone from the store", wire.context(), n, maildrop.user());
                // not the client's error: not counted toward its max_errors
                // answer(), not send(): the command's pipelining slot must be freed like any other's
                return wire.answer(Status.err("message " + n + " was deleted by another session")).thenReturn(false);
              }
              // the +OK may already be out: the only honest answer left is to close
              Throwable cause = e instanceof NotStarted ? e.getCause() : e;
              LOG.warn("{}: cannot read message {} of {}: {}", wire.context(), n, maildrop.user(), cause.toString());
              return Mono.just(true);
            });
  }

  /** The store failed before the message's first bytes, so before the {@code +OK} went out. */
  private static final class NotStarted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotStarted(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** QUIT in TRANSACTION: the UPDATE state (RFC 1939 section 6). */
  private Mono<Boolean> update() {
    wire.context().ending(EndReason.CLIENT_QUIT);
    List<Long> uids = maildrop.deletedUids();
    String bye = settings.server().hostname() + " POP3 server signing off";
    if (uids.isEmpty()) {
      unlock(); // before the reply: a client that reconnects at once must find the maildrop free
      return wire.send(Status.ok(bye)).thenReturn(true);
    }
    UidSet set = UidSet.of(uids);
    return store.store(maildrop.mailbox(), set, FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
        .then(store.expunge(maildrop.mailbox(), set))
        .thenReturn(Status.ok(bye + " (" + uids.size() + " messages deleted)"))
        .onErrorResume(
            e -> {
              LOG.warn("{}: UPDATE failed for {}: {}", wire.context(), maildrop.user(), e.toString());
              return Mono.just(Status.err(Pop3RespCode.SYS_TEMP, "some deleted messages not removed"));
            })
        .flatMap(reply -> {
          unlock(); // UPDATE is over: free the maildrop before the client hears so
          return wire.send(reply);
        })
        .thenReturn(true);
  }

  private Mono<Boolean> withMessage(int n, java.util.function.IntFunction<Status> answer) {
    if (!maildrop.exists(n)) {
      return noSuchMessage(n);
    }
    return ok(answer.apply(n));
  }

  /**
   * A well-formed command about a message that is missing or already deleted: -ERR, but not a bad
   * command, so not counted toward limits.max_errors (a client retrying a message it lost track of
   * is not misbehaving).
   */
  private Mono<Boolean> noSuchMessage(int n) {
    return ok(Status.err(maildrop.isDeleted(n) ? "message " + n + " already deleted" : "no such message"));
  }

  /** Answers the command; the session goes on. */
  private Mono<Boolean> ok(Pop3Response response) {
    return wire.answer(response).thenReturn(false);
  }
}

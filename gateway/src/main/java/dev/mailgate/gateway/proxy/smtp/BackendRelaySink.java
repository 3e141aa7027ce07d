package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendUnavailable;
import dev.mailgate.gateway.net.Immediate;
import dev.mailgate.gateway.smtp.Envelope;
import dev.mailgate.gateway.smtp.RecipientVerdict;
import dev.mailgate.gateway.smtp.SessionFacts;
import dev.mailgate.gateway.smtp.TransactionSink;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link TransactionSink} that relays to a backend (DESIGN.md "SMTP is relayed per
 * transaction"). The backend session opens at the first recipient (the route is known by then),
 * with XCLIENT carrying the client's facts ({@link #clientFacts}) and AUTH when the route gives a
 * login; MAIL and that first RCPT go in one write with PIPELINING. After the transaction the backend
 * session is parked for the same client session (keyed by its {@link SessionFacts}) and reused by
 * its next transaction (RSET first); when the client session ends ({@link #sessionEnded}) or
 * unclaimed after {@code idleReuse}, it gets QUIT. Without the first, every client that sends one
 * message per connection (the MX pattern, smtp-source) left an idle backend session behind for
 * {@code idleReuse}: hundreds of them held open at the backend, which slowed it and then stopped
 * it from answering new ones.
 *
 * <p>A backend session that carries nothing of its client (no XCLIENT sent, no AUTH: the backend
 * sees only the gateway) is parked for any client instead, by backend, and the next transaction
 * routed to that backend takes it, preferring one on its own event loop: opening a backend session
 * costs a connection, the greeting and EHLO (three round trips before the first RCPT is answered,
 * and the backend's work for each), which every MX client paid once per connection. Idle sessions
 * there are bounded by {@code maxParked} too, each QUIT after {@code idleReuse} unclaimed; their
 * number follows the peak of concurrent transactions, not the number of clients.
 *
 * <p>Every reply the client gets is the backend's, or a 4xx of {@link BackendReplies} when the
 * backend is unreachable or fails: never a 250 it did not give. Limits: at most {@code maxParked}
 * idle backend sessions; more are closed at once.
 */
public final class BackendRelaySink implements TransactionSink {

  private final BackendSmtpClient client;
  private final RelayRoute route;
  private final Function<Envelope, BackendLogin> login;
  private final Duration idleReuse;
  private final int maxParked;
  private final ConcurrentHashMap<SessionFacts, ParkedSession> parked = new ConcurrentHashMap<>();
  /** Anonymous sessions for any client, by backend name. */
  private final ConcurrentHashMap<String, ConcurrentLinkedDeque<ParkedSession>> shared = new ConcurrentHashMap<>();
  private final AtomicInteger sharedCount = new AtomicInteger();

  /**
   * @param client opens backend sessions
   * @param route the backends for a transaction, in failover order
   * @param login AUTH towards the backend for a transaction, or a function returning {@code null}
   * @param idleReuse how long a backend session waits for the same client's next transaction
   * @param maxParked bound on idle backend sessions kept for reuse
   */
  public BackendRelaySink(BackendSmtpClient client, RelayRoute route,
      Function<Envelope, BackendLogin> login, Duration idleReuse, int maxParked) {
    this.client = Objects.requireNonNull(client, "client");
    this.route = Objects.requireNonNull(route, "route");
    this.login = Objects.requireNonNull(login, "login");
    this.idleReuse = Objects.requireNonNull(idleReuse, "idleReuse");
    this.maxParked = maxParked;
  }

  @Override
  public Transaction begin(Envelope envelope) {
    return new BackendTransaction(envelope);
  }

  /** XCLIENT facts from the session: address, port, HELO, protocol and the verified login. */
  public static ClientFacts clientFacts(SessionFacts s) {
    String address = s.client().getAddress() != null ? s.client().getAddress().getHostAddress() : s.client().getHostString();
    return new ClientFacts(address, s.client().getPort(), null, s.helo(), s.extended() ? "ESMTP" : "SMTP",
        s.authenticatedUser());
  }

  @Override
  public void sessionEnded(SessionFacts session) {
    ParkedSession p = parked.isEmpty() ? null : parked.remove(session);
    if (p != null) {
      p.take().quit().subscribe();
    }
  }

  /** Idle backend sessions kept for reuse (for tests and metrics). */
  int parkedSessions() {
    return parked.size() + sharedCount.get();
  }

  /** QUITs every parked backend session (shutdown). */
  public Mono<Void> closeIdle() {
    Mono<Void> own = Flux.fromIterable(List.copyOf(parked.keySet()))
        .flatMap(k -> {
          ParkedSession p = parked.remove(k);
          return p == null ? Mono.empty() : p.take().quit();
        })
        .then();
    Mono<Void> any = Flux.fromIterable(List.copyOf(shared.values()))
        .flatMap(q -> Flux.fromIterable(List.copyOf(q)))
        .flatMap(p -> unshare(p) ? p.take().quit() : Mono.empty())
        .then();
    return own.then(any);
  }

  /** A sink whose every transaction goes to {@code backends}. */
  public BackendRelaySink(BackendSmtpClient client, List<Backend> backends,
      Function<Envelope, BackendLogin> login, Duration idleReuse, int maxParked) {
    this(client, RelayRoute.fixed(backends), login, idleReuse, maxParked);
  }

  private Mono<SmtpTransactionClient> session(Envelope envelope, SmtpPath firstRecipient) {
    // most relayed sessions are anonymous: no hashing of the session's facts when none is parked
    ParkedSession p = parked.isEmpty() ? null : parked.remove(envelope.session());
    SmtpTransactionClient reused = p == null ? null : p.take();
    if (reused != null && reused.usable()) {
      return Mono.just(reused);
    }
    if (reused != null) {
      reused.abort();
    }
    BackendLogin backendLogin = login.apply(envelope);
    Mono<List<Backend>> backends = route.backends(envelope, firstRecipient);
    if (backends == Mono.<List<Backend>>empty() || !(backends instanceof Fuseable.ScalarCallable)) {
      backends = backends.defaultIfEmpty(List.of()); // no answer is no backend
    }
    // A configured route is known at once: a shared session takes the transaction with no
    // operator assembled or subscribed for it, as the client session's own parked one does.
    return Immediate.flatMap(backends, candidates -> {
      if (candidates.isEmpty()) {
        return Mono.error(new BackendUnavailable(List.of()));
      }
      SmtpTransactionClient any = backendLogin == null ? takeShared(candidates.get(0).name()) : null;
      return any != null ? Mono.just(any)
          : client.open(candidates, clientFacts(envelope.session()), backendLogin);
    });
  }

  /**
   * A usable anonymous session with {@code backend} (the route's first choice, so failover order
   * holds), one on the calling event loop first (its replies then need no hop), or null.
   */
  private SmtpTransactionClient takeShared(String backend) {
    ConcurrentLinkedDeque<ParkedSession> q = shared.get(backend);
    if (q == null) {
      return null;
    }
    while (!q.isEmpty()) {
      ParkedSession candidate = null;
      for (ParkedSession p : q) {
        if (p.client.eventLoop().inEventLoop()) {
          candidate = p;
          break;
        }
      }
      if (candidate == null) {
        candidate = q.peekFirst();
      }
      if (candidate == null || !unshare(candidate)) {
        continue; // another transaction took it
      }
      SmtpTransactionClient s = candidate.take();
      if (s.usable()) {
        return s;
      }
      s.abort();
    }
    return null;
  }

  /** Claims {@code p} from the shared pool; false when someone else did. */
  private boolean unshare(ParkedSession p) {
    ConcurrentLinkedDeque<ParkedSession> q = shared.get(p.client.backend().name());
    if (q != null && q.remove(p)) {
      sharedCount.decrementAndGet();
      return true;
    }
    return false;
  }

  /** The session's record for the pools, made the first time it is parked. */
  private ParkedSession record(SmtpTransactionClient s) {
    ParkedSession p = s.parking;
    if (p == null) {
      p = new ParkedSession(s, s.eventLoop(), idleReuse, this::unpark);
      s.parking = p;
    }
    return p;
  }

  /** Claims {@code p} from whichever pool holds it (its expiry); false when someone else did. */
  private boolean unpark(ParkedSession p) {
    SessionFacts key = p.key;
    return key == null ? unshare(p) : parked.remove(key, p);
  }

  private void parkShared(SmtpTransactionClient s) {
    if (!s.usable() || parked.size() + sharedCount.get() >= maxParked) {
      s.quit().subscribe();
      return;
    }
    ParkedSession p = record(s);
    p.parking(null); // idle from now, before anyone can take it from the pool
    sharedCount.incrementAndGet();
    shared.computeIfAbsent(s.backend().name(), k -> new ConcurrentLinkedDeque<>()).addFirst(p);
  }

  private void park(SessionFacts key, SmtpTransactionClient s) {
    if (s.anonymous()) {
      parkShared(s);
      return;
    }
    if (!s.usable() || parked.size() + sharedCount.get() >= maxParked) {
      s.quit().subscribe();
      return;
    }
    ParkedSession p = record(s);
    p.parking(key);
    ParkedSession previous = parked.put(key, p);
    if (previous != null && previous.client != s) {
      previous.take().quit().subscribe();
    }
  }

  private final class BackendTransaction implements Transaction {
    private final Envelope envelope;
    private SmtpTransactionClient tx;
    private SmtpReply mailRefused;
    private boolean anyAccepted;
    private boolean delivering;
    private boolean finished;

    BackendTransaction(Envelope envelope) {
      this.envelope = envelope;
    }

    @Override
    public Mono<RecipientVerdict> recipient(SmtpPath recipient, RcptParameters parameters) {
      SmtpCommand.Rcpt rcpt = new SmtpCommand.Rcpt(recipient, parameters);
      if (mailRefused != null) {
        return Mono.just(verdict(mailRefused));
      }
      if (tx != null) {
        return tx.recipient(rcpt).map(this::noted);
      }
      if (envelope.parameters().body() == MailParameters.Body.BINARYMIME) {
        // deliver() carries the content as DATA; BINARYMIME needs BDAT end to end.
        mailRefused = BackendReplies.NO_CONVERSION;
        return Mono.just(verdict(mailRefused));
      }
      SmtpCommand.Mail mail = new SmtpCommand.Mail(envelope.sender(), envelope.parameters());
      Mono<SmtpTransactionClient> session = session(envelope, rcpt.to());
      if (session instanceof Fuseable.ScalarCallable<?> known) {
        // a parked session, or no route: known now (the envelope's own failures are replies)
        try {
          tx = (SmtpTransactionClient) known.call();
        } catch (Throwable e) {
          Exceptions.throwIfFatal(e);
          return Mono.just(verdict(BackendReplies.forOpenFailure(Exceptions.unwrap(e))));
        }
        return tx.envelope(mail, List.of(rcpt)).map(this::opened);
      }
      return session
          .flatMap(s -> {
            tx = s;
            return s.envelope(mail, List.of(rcpt));
          })
          .map(this::opened)
          .onErrorResume(e -> Mono.just(verdict(BackendReplies.forOpenFailure(e))));
    }

    /** The backend's replies to MAIL and the first RCPT: a MAIL refusal is what every recipient hears. */
    private RecipientVerdict opened(EnvelopeReplies env) {
      if (!env.mail().isPositive()) {
        mailRefused = env.mail();
        return verdict(env.mail());
      }
      return noted(env.recipients().get(0));
    }

    private RecipientVerdict noted(SmtpReply reply) {
      anyAccepted |= reply.isPositive();
      return verdict(reply);
    }

    private static RecipientVerdict verdict(SmtpReply reply) {
      return reply.isPositive() ? new RecipientVerdict.Accepted(reply) : RecipientVerdict.refused(reply);
    }

    @Override
    public Mono<SmtpReply> deliver(Flux<ByteBuf> content) {
      return relay(content, false);
    }

    /** The client's DATA bytes go to the backend's DATA as they are. */
    @Override
    public boolean takesDotStuffed() {
      return true;
    }

    @Override
    public Mono<SmtpReply> deliverDotStuffed(Flux<ByteBuf> content) {
      return relay(content, true);
    }

    private Mono<SmtpReply> relay(Flux<ByteBuf> content, boolean dotStuffed) {
      if (tx == null || !anyAccepted) {
        return content.doOnNext(ReferenceCountUtil::release).then(Mono.just(BackendReplies.NO_RECIPIENTS));
      }
      delivering = true;
      // Parked before the reply travels on, so the client's next transaction finds the session.
      return (dotStuffed ? tx.dotStuffedMessage(content) : tx.message(content))
          .doOnNext(r -> {
            delivering = false;
            finish();
          })
          .doOnCancel(() -> abort().subscribe());
    }

    @Override
    public String backend() {
      SmtpTransactionClient s = tx;
      return s == null ? null : s.backend().name();
    }

    @Override
    public Mono<Void> abort() {
      if (tx != null && delivering) {
        tx.abort(); // mid-content: only closing keeps the backend from taking a partial message
      }
      finish();
      return Mono.empty();
    }

    private synchronized void finish() {
      if (finished || tx == null) {
        return;
      }
      finished = true;
      park(envelope.session(), tx);
    }
  }
}

package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendUnavailable;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Turns a client's login into a logged-in backend connection: asks the {@link BackendChooser},
 * verifies at the gateway when a route logs in as a master user, connects through the {@code
 * BackendConnector} (failover, circuit breakers) and runs {@link BackendLogin}. Every failure
 * becomes PRODUCT.md's IMAP reply: a refusal {@code NO [AUTHENTICATIONFAILED]}, an unreachable or
 * unusable backend {@code NO [UNAVAILABLE]}, a token for a backend without a token mechanism a plain
 * {@code NO}.
 */
final class LoginRouter {

  private static final Logger LOG = LoggerFactory.getLogger(LoginRouter.class);

  /** The result for the session. */
  sealed interface Result {
    /**
     * Logged in: relay from now on. {@code reuse} is where the backend session may wait for the
     * same user's next login after this client's LOGOUT (null: it may not), for {@code keep};
     * {@code kept}: the session is one kept after an earlier LOGOUT.
     */
    record Relay(BackendConnection backend, ResponseCode capabilities, io.netty.buffer.ByteBuf residual,
        ParkedLogins.Key reuse, java.time.Duration keep, boolean kept) implements Result {}

    /** Refused: answer {@code NO [code] text}; the session stays usable. */
    record No(ResponseCode code, String text, boolean countsAsError) implements Result {}
  }

  static final Result.No BAD_CREDENTIALS =
      new Result.No(ResponseCode.AUTHENTICATIONFAILED, "Authentication failed", true);
  static final Result.No UNAVAILABLE =
      new Result.No(ResponseCode.UNAVAILABLE, "Backend unavailable, try again later", false);
  /**
   * A token mechanism the user's backend does not offer (the pre-login CAPABILITY lists XOAUTH2 and
   * OAUTHBEARER before the backend is known). RFC 9051 6.2.2's NO for a mechanism that cannot be
   * used, without [UNAVAILABLE]: a temporary failure would make the client retry the same token
   * instead of trying a password. Not a failed login either: the token was never checked.
   */
  static final Result.No NO_TOKEN_MECHANISM =
      new Result.No(null, "Authentication mechanism not available for this account, use another", false);

  private final ImapProxyHandler handler;

  LoginRouter(ImapProxyHandler handler) {
    this.handler = handler;
  }

  /** The login's result; never fails (every failure is one of the {@link Result.No} above). */
  Mono<Result> login(LoginRequest request) {
    return new Login(request);
  }

  /**
   * One login's steps, each subscribed to in turn by one {@link Steps} object: the chooser's
   * candidates, the gateway's check when a route logs in as a master user, the connect, then the
   * {@link BackendLogin} dialogue by callback. The chain of operators this replaces ({@code
   * defaultIfEmpty}, two {@code flatMap}s, two {@code onErrorResume}s, {@code map}, {@code
   * doOnCancel} and the dialogue's {@code Mono.create}) cost every login more than these steps.
   */
  private final class Login extends Mono<Result> {
    private final LoginRequest request;

    Login(LoginRequest request) {
      this.request = request;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Result> actual) {
      Steps steps = new Steps(actual, request);
      actual.onSubscribe(steps);
      steps.choose();
    }
  }

  private enum Step { CANDIDATES, VERIFY, CONNECT, DIALOGUE, DONE }

  /**
   * The login's state. Each step's Mono signals on whatever thread it likes (a lookup's, the
   * backend's loop); the steps follow one another, and a cancel may come from the client's loop at
   * any time, so the state changes under the object's lock. Nothing is called out under it but
   * cancellations.
   */
  private final class Steps implements CoreSubscriber<Object>, Subscription {
    private final CoreSubscriber<? super Result> actual;
    private final LoginRequest request;
    private Step step = Step.CANDIDATES;
    private Subscription upstream;
    /** The current step's value; null until it comes. */
    private Object value;
    private List<ImapBackend> candidates;
    /** The backend connection from the connect on, until the result hands it on. */
    private BackendConnection connection;
    private BackendLogin dialogue;
    private boolean cancelled;

    Steps(CoreSubscriber<? super Result> actual, LoginRequest request) {
      this.actual = actual;
      this.request = request;
    }

    void choose() {
      Mono<List<ImapBackend>> m;
      try {
        m = handler.chooser().candidates(request.credentials(), request.client());
      } catch (RuntimeException e) {
        failed(e);
        return;
      }
      m.subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
      boolean cancel;
      synchronized (this) {
        upstream = s;
        value = null;
        cancel = cancelled;
      }
      if (cancel) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(Object v) {
      synchronized (this) {
        if (!cancelled) {
          value = v;
          return;
        }
      }
      release(v);
    }

    /** A step's Mono ended (with its value, or empty): the next step. */
    @Override
    public void onComplete() {
      Step s;
      Object v;
      boolean over;
      synchronized (this) {
        v = value;
        value = null;
        over = cancelled || step == Step.DONE;
        s = step;
        upstream = null;
      }
      if (over) {
        release(v);
        return;
      }
      switch (s) {
        case CANDIDATES -> candidates(v);
        case VERIFY -> verified(Boolean.TRUE.equals(v));
        case CONNECT -> {
          if (v == null) {
            failed(new IllegalStateException("the connect ended without a connection"));
          } else {
            connected((BackendConnection) v);
          }
        }
        default -> { }
      }
    }

    @Override
    public void onError(Throwable e) {
      Step s;
      synchronized (this) {
        if (cancelled || step == Step.DONE) {
          return;
        }
        s = step;
        upstream = null;
      }
      if (s == Step.CONNECT && e instanceof BackendUnavailable) {
        LOG.info("{}: {}", request.client().sessionId(), e.getMessage());
        end(UNAVAILABLE);
        return;
      }
      failed(e);
    }

    @SuppressWarnings("unchecked")
    private void candidates(Object v) {
      List<ImapBackend> list = v == null ? List.of() : (List<ImapBackend>) v;
      if (list.isEmpty()) {
        end(BAD_CREDENTIALS);
        return;
      }
      boolean master = false;
      for (ImapBackend c : list) {
        master |= c.master() != null;
      }
      candidates = list;
      if (!master) {
        connect();
        return;
      }
      if (handler.verifier() == null) {
        LOG.warn("{}: master-user route without a gateway verifier: refused", request.client().sessionId());
        end(UNAVAILABLE);
        return;
      }
      if (next(Step.VERIFY)) {
        subscribeTo(() -> handler.verifier().verify(request.credentials(), request.client()));
      }
    }

    private void verified(boolean ok) {
      if (ok) {
        connect();
      } else {
        end(BAD_CREDENTIALS);
      }
    }

    private void connect() {
      if (reuseKept()) {
        return;
      }
      List<Backend> backends = new ArrayList<>(candidates.size());
      for (ImapBackend c : candidates) {
        backends.add(c.backend());
      }
      if (next(Step.CONNECT)) {
        subscribeTo(() -> handler.connector().connect(backends));
      }
    }

    /**
     * A session kept after an earlier LOGOUT of this user with these credentials, from the first
     * candidate that has one: the login is over without a connect or a backend dialogue.
     */
    private boolean reuseKept() {
      ParkedLogins parked = handler.parked();
      if (parked.size() == 0) {
        return false;
      }
      for (ImapBackend c : candidates) {
        if (c.keepSessions().isZero()) {
          continue;
        }
        ParkedLogins.Key key = parked.key(c.backend().name(), request.credentials(), request.client());
        ParkedLogins.Taken t = parked.take(key, request.loop());
        if (t != null) {
          end(new Result.Relay(t.connection(), t.capabilities(), null, key, c.keepSessions(), true));
          return true;
        }
      }
      return false;
    }

    private void connected(BackendConnection bc) {
      ImapBackend route = null;
      for (ImapBackend c : candidates) {
        if (c.backend() == bc.backend() || c.backend().name().equals(bc.backend().name())) {
          route = c;
          break;
        }
      }
      if (route == null) {
        bc.close();
        failed(new IllegalStateException("connected to a backend that is not a candidate: " + bc.backend().name()));
        return;
      }
      ImapProxySettings s = handler.settings();
      BackendLogin d = new BackendLogin(bc, route, request, s.limits(), s.maxClientIdFields());
      synchronized (this) {
        if (cancelled) {
          bc.close();
          return;
        }
        step = Step.DIALOGUE;
        connection = bc;
        dialogue = d;
      }
      d.start(s.backendLoginTimeout(), this::loggedIn);
    }

    /** The dialogue's outcome, on the backend's loop. */
    private void loggedIn(BackendLogin.Outcome outcome) {
      BackendConnection bc;
      synchronized (this) {
        bc = connection;
        if (cancelled || step == Step.DONE) {
          if (outcome instanceof BackendLogin.Outcome.LoggedIn l) {
            ReferenceCountUtil.release(l.residual());
          }
          return;
        }
        connection = null;
      }
      if (outcome instanceof BackendLogin.Outcome.LoggedIn l) {
        ImapBackend route = dialogue.route();
        ParkedLogins.Key key = route.keepSessions().isZero() ? null
            : handler.parked().key(bc.backend().name(), request.credentials(), request.client());
        end(new Result.Relay(bc, l.capabilities(), l.residual(), key, route.keepSessions(), false));
        return;
      }
      bc.close();
      if (outcome instanceof BackendLogin.Outcome.Refused r) {
        end(refusal(r.code()));
      } else if (outcome instanceof BackendLogin.Outcome.NoTokenMechanism) {
        LOG.info("{}: backend {} offers no token mechanism", request.client().sessionId(), bc.backend().name());
        end(NO_TOKEN_MECHANISM);
      } else {
        LOG.info("{}: backend {}: {}", request.client().sessionId(), bc.backend().name(),
            ((BackendLogin.Outcome.Failed) outcome).reason());
        end(UNAVAILABLE);
      }
    }

    /** Moves to {@code s}; false when the login was cancelled meanwhile. */
    private synchronized boolean next(Step s) {
      if (cancelled) {
        return false;
      }
      step = s;
      return true;
    }

    private void subscribeTo(java.util.function.Supplier<? extends Mono<?>> source) {
      Mono<?> m;
      try {
        m = source.get();
      } catch (RuntimeException e) {
        failed(e);
        return;
      }
      m.subscribe(this);
    }

    /** What the operator chain's outer {@code onErrorResume} did: any other failure is an outage. */
    private void failed(Throwable e) {
      LOG.info("{}: login for {} failed: {}", request.client().sessionId(), request.credentials().user(), e.toString());
      end(UNAVAILABLE);
    }

    private void end(Result r) {
      boolean over;
      synchronized (this) {
        over = cancelled || step == Step.DONE;
        step = Step.DONE;
      }
      if (!over) {
        actual.onNext(r);
        actual.onComplete();
      } else {
        discard(r);
      }
    }

    @Override
    public void request(long n) {
      // one result, sent when it is known
    }

    @Override
    public void cancel() {
      Subscription s;
      BackendLogin d;
      BackendConnection bc;
      Object v;
      synchronized (this) {
        if (cancelled || step == Step.DONE) {
          return;
        }
        cancelled = true;
        s = upstream;
        upstream = null;
        d = dialogue;
        bc = connection;
        connection = null;
        v = value;
        value = null;
      }
      release(v);
      if (s != null) {
        s.cancel();
      }
      if (d != null) {
        d.cancel();
      }
      if (bc != null) {
        bc.close();
      }
    }

    private void release(Object v) {
      if (v instanceof BackendConnection bc) {
        bc.close(); // a connect that finished as the login was cancelled
      }
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }
  }

  /** A result nobody takes (the session ended as it came): its connection and buffer go. */
  static void discard(Result r) {
    if (r instanceof Result.Relay relay) {
      ReferenceCountUtil.release(relay.residual());
      relay.backend().close();
    }
  }

  /** Passes on the backend's codes that tell the client something useful; else AUTHENTICATIONFAILED. */
  private static Result refusal(ResponseCode code) {
    if (code != null) {
      switch (code.atom()) {
        case "UNAVAILABLE", "LIMIT", "EXPIRED", "CONTACTADMIN", "AUTHORIZATIONFAILED", "PRIVACYREQUIRED" -> {
          return new Result.No(ResponseCode.of(code.atom()), "Login refused", true);
        }
        default -> { }
      }
    }
    return BAD_CREDENTIALS;
  }
}

package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendUnavailable;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

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
    /** Logged in: relay from now on. */
    record Relay(BackendConnection backend, ResponseCode capabilities, io.netty.buffer.ByteBuf residual)
        implements Result {}

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

  Mono<Result> login(LoginRequest request) {
    String user = request.credentials().user();
    return handler.chooser().candidates(request.credentials(), request.client())
        .defaultIfEmpty(List.of())
        .flatMap(candidates -> candidates.isEmpty() ? Mono.just((Result) BAD_CREDENTIALS) : verified(request, candidates))
        .onErrorResume(
            e -> {
              LOG.info("{}: login for {} failed: {}", request.client().sessionId(), user, e.toString());
              return Mono.just(UNAVAILABLE);
            });
  }

  private Mono<Result> verified(LoginRequest request, List<ImapBackend> candidates) {
    boolean master = false;
    for (ImapBackend c : candidates) {
      master |= c.master() != null;
    }
    if (!master) {
      return connect(request, candidates);
    }
    if (handler.verifier() == null) {
      LOG.warn("{}: master-user route without a gateway verifier: refused", request.client().sessionId());
      return Mono.just(UNAVAILABLE);
    }
    return handler.verifier().verify(request.credentials(), request.client())
        .defaultIfEmpty(false)
        .flatMap(ok -> ok ? connect(request, candidates) : Mono.just(BAD_CREDENTIALS));
  }

  private Mono<Result> connect(LoginRequest request, List<ImapBackend> candidates) {
    List<Backend> backends = new ArrayList<>(candidates.size());
    for (ImapBackend c : candidates) {
      backends.add(c.backend());
    }
    return handler.connector()
        .connect(backends)
        .flatMap(bc -> replay(request, candidates, bc))
        .onErrorResume(BackendUnavailable.class, e -> {
          LOG.info("{}: {}", request.client().sessionId(), e.getMessage());
          return Mono.just(UNAVAILABLE);
        });
  }

  private Mono<Result> replay(LoginRequest request, List<ImapBackend> candidates, BackendConnection bc) {
    ImapBackend route = null;
    for (ImapBackend c : candidates) {
      if (c.backend() == bc.backend() || c.backend().name().equals(bc.backend().name())) {
        route = c;
        break;
      }
    }
    if (route == null) {
      bc.close();
      return Mono.error(new IllegalStateException("connected to a backend that is not a candidate: " + bc.backend().name()));
    }
    ImapProxySettings s = handler.settings();
    return new BackendLogin(bc, route, request, s.limits(), s.maxClientIdFields())
        .run(s.backendLoginTimeout())
        .map(
            outcome -> {
              if (outcome instanceof BackendLogin.Outcome.LoggedIn l) {
                return new Result.Relay(bc, l.capabilities(), l.residual());
              }
              bc.close();
              if (outcome instanceof BackendLogin.Outcome.Refused r) {
                return refusal(r.code());
              }
              if (outcome instanceof BackendLogin.Outcome.NoTokenMechanism) {
                LOG.info("{}: backend {} offers no token mechanism", request.client().sessionId(), bc.backend().name());
                return NO_TOKEN_MECHANISM;
              }
              LOG.info("{}: backend {}: {}", request.client().sessionId(), bc.backend().name(),
                  ((BackendLogin.Outcome.Failed) outcome).reason());
              return UNAVAILABLE;
            })
        .doOnCancel(bc::close);
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

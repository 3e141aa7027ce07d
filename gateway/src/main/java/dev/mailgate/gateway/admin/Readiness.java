package dev.mailgate.gateway.admin;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Answers {@code GET /ready}: can this gateway serve sessions now, i.e. are its backends reachable?
 * The composition root implements it over the backend pools (a circuit not open, or a fresh probe).
 * Must not block; the admin server bounds each check to {@link AdminServer#READY_TIMEOUT}.
 */
@FunctionalInterface
public interface Readiness {

  Mono<Report> check();

  /** One backend's state; {@code detail} is a short human reason ("circuit open", "ok"). */
  record Backend(String name, boolean reachable, String detail) {}

  /** Ready when every required backend is reachable (the implementation decides which are). */
  record Report(boolean ready, List<Backend> backends) {
    public Report {
      backends = List.copyOf(backends);
    }
  }
}

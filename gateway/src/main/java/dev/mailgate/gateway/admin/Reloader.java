package dev.mailgate.gateway.admin;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Answers {@code POST /reload} (and SIGHUP): load and validate the configuration file again and
 * swap it in atomically, or keep the running one and report every error with its file:line.
 * Implementations read files on a bounded scheduler, never on the calling event loop.
 */
@FunctionalInterface
public interface Reloader {

  Mono<Result> reload();

  /** The outcome: applied, or rejected with every error found. */
  record Result(boolean applied, List<String> errors) {
    public Result {
      errors = List.copyOf(errors);
    }

    public static Result ok() {
      return new Result(true, List.of());
    }

    public static Result rejected(List<String> errors) {
      return new Result(false, errors);
    }
  }
}

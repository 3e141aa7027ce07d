package dev.mailgate.gateway.admin;

/**
 * Answers {@code POST /drain}: start a graceful drain and return at once (the drain runs for up to
 * its timeout). {@link dev.mailgate.gateway.session.DrainCoordinator#start()} is the implementation.
 */
@FunctionalInterface
public interface Drainer {

  /** Starts the drain if it has not started; never blocks. */
  void startDrain();
}

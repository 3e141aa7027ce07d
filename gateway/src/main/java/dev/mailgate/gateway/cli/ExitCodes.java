package dev.mailgate.gateway.cli;

/** PRODUCT.md's exit codes. */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;
  /** The command could not do its job (a port taken, no such user, a refused password). */
  static final int FAILURE = 1;
  /** Bad usage or bad input: unknown flag, missing argument, a configuration file with errors. */
  static final int USAGE = 2;

  private ExitCodes() {}
}

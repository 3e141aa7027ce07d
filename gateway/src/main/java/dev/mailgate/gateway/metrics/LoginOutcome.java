package dev.mailgate.gateway.metrics;

/** The {@code outcome} tag of {@code mailgate_logins_total}. */
public enum LoginOutcome {
  /** The credentials were accepted (here or by the backend). */
  SUCCESS("success"),
  /** The credentials were rejected. */
  FAILURE("failure"),
  /** A policy refused the attempt before checking it (throttling, TLS required, ...). */
  REFUSED("refused"),
  /** The check could not be made (backend or auth service unavailable). */
  ERROR("error");

  private final String label;

  LoginOutcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}

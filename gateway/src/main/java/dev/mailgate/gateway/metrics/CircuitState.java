package dev.mailgate.gateway.metrics;

/**
 * A backend's circuit-breaker state as {@code mailgate_backend_circuit_state} exposes it: one series
 * per state, 1 for the current state and 0 for the others, so a dashboard can count open circuits
 * with {@code sum(mailgate_backend_circuit_state{state="open"})}. Mirrors the resilience4j states the
 * backend client maps from.
 */
public enum CircuitState {
  CLOSED("closed"),
  HALF_OPEN("half_open"),
  OPEN("open"),
  /** Held open by an operator or disabled; either way not tried. */
  FORCED_OPEN("forced_open");

  private final String label;

  CircuitState(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}

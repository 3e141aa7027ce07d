package dev.mailgate.gateway.app;

import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.policy.route.RouteRule;
import dev.mailgate.policy.route.RouteTarget;

/**
 * Which kind of session a listener runs, decided from the routing rules before any login: the
 * local mailbox tier's own servers, or the gateway's pre-login dialogue that routes each login to a
 * backend.
 *
 * <p>A listener is {@link #LOCAL} when every rule that can apply to it (its listener and protocol
 * conditions allow it) targets {@code local} without a lookup, and at least one does; otherwise it
 * is {@link #BACKEND}, and the proxy session routes per login (a proxy session whose route says
 * {@code local} hands over to the local tier).
 */
public enum ListenerTier {
  LOCAL,
  BACKEND;

  public static ListenerTier of(MailgateConfig config, ListenerConfig listener) {
    boolean anyLocal = false;
    for (RouteRule r : config.routeRules()) {
      var m = r.match();
      boolean applies =
          (m.listeners().isEmpty() || m.listeners().contains(listener.name()))
              && (m.protocols().isEmpty() || m.protocols().contains(listener.protocol()));
      if (!applies) {
        continue;
      }
      if (r.lookup().isPresent() || !(r.target().orElse(null) instanceof RouteTarget.Local)) {
        return BACKEND;
      }
      anyLocal = true;
    }
    return anyLocal ? LOCAL : BACKEND;
  }
}

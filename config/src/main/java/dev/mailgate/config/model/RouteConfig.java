package dev.mailgate.config.model;

import dev.mailgate.policy.route.RouteRule;
import java.util.Optional;

/** A routing rule and, optionally, the authentication mode for sessions it routes. */
public record RouteConfig(RouteRule rule, Optional<AuthMode> authentication) {}

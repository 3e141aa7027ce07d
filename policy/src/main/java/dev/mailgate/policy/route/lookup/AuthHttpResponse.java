package dev.mailgate.policy.route.lookup;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The headers of an nginx {@code auth_http} response. {@code Auth-Status: OK} accepts the login
 * and names the backend in Auth-Server (an IP address) and Auth-Port; any other status is the
 * refusal text shown to the client, with an optional Auth-Wait (seconds before the client may try
 * again) and Auth-Error-Code (SMTP). Auth-User and Auth-Pass, when present, replace the
 * credentials replayed to the backend. The password is never printed by {@link #toString()}.
 */
public record AuthHttpResponse(
    String authStatus,
    Optional<String> authServer,
    Optional<Integer> authPort,
    Optional<Duration> authWait,
    Optional<String> authErrorCode,
    Optional<String> authUser,
    Optional<String> authPass) {

  /** Reads the response from a header accessor that returns {@code null} for a missing header. */
  public static AuthHttpResponse fromHeaders(Function<String, String> header) {
    String status = header.apply("Auth-Status");
    if (status == null) {
      throw new IllegalArgumentException("auth_http response without Auth-Status");
    }
    return new AuthHttpResponse(
        status.strip(),
        opt(header.apply("Auth-Server")),
        opt(header.apply("Auth-Port")).map(AuthHttpResponse::port),
        opt(header.apply("Auth-Wait")).map(w -> Duration.ofSeconds(Long.parseLong(w))),
        opt(header.apply("Auth-Error-Code")),
        opt(header.apply("Auth-User")),
        opt(header.apply("Auth-Pass")));
  }

  private static Optional<String> opt(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }

  private static int port(String s) {
    int p = Integer.parseInt(s);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("Auth-Port out of range: " + s);
    }
    return p;
  }

  public boolean ok() {
    return "OK".equals(authStatus);
  }

  @Override
  public String toString() {
    return "AuthHttpResponse[status=" + authStatus + ", server=" + authServer.orElse("-")
        + ", port=" + authPort.map(String::valueOf).orElse("-") + ", wait=" + authWait
        + ", errorCode=" + authErrorCode.orElse("-") + ", user=" + authUser.orElse("-")
        + ", pass=" + (authPass.isPresent() ? "***" : "-") + "]";
  }
}

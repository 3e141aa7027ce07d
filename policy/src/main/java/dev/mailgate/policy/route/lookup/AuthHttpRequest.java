package dev.mailgate.policy.route.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request of nginx's mail {@code auth_http} protocol (nginx docs, ngx_mail_auth_http_module):
 * an HTTP GET whose headers carry the login. The HTTP client that sends it lives in the gateway;
 * this record only fixes the header names and values. The password is never printed by
 * {@link #toString()}. Header values must not contain CR or LF (checked here).
 */
public record AuthHttpRequest(
    String authMethod,
    String authUser,
    String authPass,
    String authProtocol,
    int authLoginAttempt,
    String clientIp,
    String clientHost,
    String authSmtpHelo,
    String authSmtpFrom,
    String authSmtpTo) {

  public AuthHttpRequest {
    Objects.requireNonNull(authMethod, "authMethod");
    Objects.requireNonNull(authUser, "authUser");
    Objects.requireNonNull(authProtocol, "authProtocol");
    Objects.requireNonNull(clientIp, "clientIp");
    for (String v : new String[] {authMethod, authUser, authPass, authProtocol, clientIp,
        clientHost, authSmtpHelo, authSmtpFrom, authSmtpTo}) {
      if (v != null && (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)) {
        throw new IllegalArgumentException("CR or LF in an auth_http header value");
      }
    }
  }

  /** The headers to send, in nginx's order; absent values are left out. */
  public List<Map.Entry<String, String>> headers() {
    List<Map.Entry<String, String>> h = new ArrayList<>();
    h.add(Map.entry("Auth-Method", authMethod));
    h.add(Map.entry("Auth-User", authUser));
    if (authPass != null) {
      h.add(Map.entry("Auth-Pass", authPass));
    }
    h.add(Map.entry("Auth-Protocol", authProtocol));
    h.add(Map.entry("Auth-Login-Attempt", Integer.toString(authLoginAttempt)));
    h.add(Map.entry("Client-IP", clientIp));
    if (clientHost != null) {
      h.add(Map.entry("Client-Host", clientHost));
    }
    if (authSmtpHelo != null) {
      h.add(Map.entry("Auth-SMTP-Helo", authSmtpHelo));
    }
    if (authSmtpFrom != null) {
      h.add(Map.entry("Auth-SMTP-From", authSmtpFrom));
    }
    if (authSmtpTo != null) {
      h.add(Map.entry("Auth-SMTP-To", authSmtpTo));
    }
    return h;
  }

  @Override
  public String toString() {
    return "AuthHttpRequest[method=" + authMethod + ", user=" + authUser + ", pass=***, protocol="
        + authProtocol + ", attempt=" + authLoginAttempt + ", clientIp=" + clientIp + "]";
  }
}

package dev.mailgate.gateway.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Decides whether an admin request may proceed, before any handler runs.
 *
 * <ul>
 *   <li>With a token configured, every request must carry {@code Authorization: Bearer <token>}.
 *       The comparison is constant-time over SHA-256 digests, so neither the content nor the length
 *       of the token leaks through response timing.
 *   <li>A request with an {@code Origin} header comes from a web page, never from curl, Prometheus
 *       or an orchestrator: refused, so a page in the operator's browser cannot {@code POST
 *       /drain} to a loopback endpoint (cross-site request forgery).
 *   <li>On a loopback bind, the {@code Host} header must name a loopback host; a DNS-rebinding page
 *       sends its own domain there and is refused.
 * </ul>
 */
final class AdminGuard {
  private final byte[] tokenDigest;
  private final boolean loopbackOnly;

  AdminGuard(AdminSettings settings) {
    this.tokenDigest = settings.bearerToken() == null ? null : sha256(settings.bearerToken());
    this.loopbackOnly = settings.isLoopback();
  }

  /** {@code null} when allowed, else the status to answer with. */
  HttpResponseStatus check(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.ORIGIN)) {
      return HttpResponseStatus.FORBIDDEN;
    }
    if (loopbackOnly && !isLoopbackHost(headers.get(HttpHeaderNames.HOST))) {
      return HttpResponseStatus.FORBIDDEN;
    }
    if (tokenDigest != null && !tokenMatches(headers.get(HttpHeaderNames.AUTHORIZATION))) {
      return HttpResponseStatus.UNAUTHORIZED;
    }
    return null;
  }

  private boolean tokenMatches(String authorization) {
    String prefix = "Bearer ";
    boolean bearer =
        authorization != null
            && authorization.length() > prefix.length()
            && authorization.regionMatches(true, 0, prefix, 0, prefix.length());
    // hash even when the header is missing, so that costs what a wrong token does
    String given = bearer ? authorization.substring(prefix.length()).trim() : "";
    boolean same = MessageDigest.isEqual(tokenDigest, sha256(given));
    return bearer && same;
  }

  static boolean isLoopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.indexOf(':');
    String name = colon >= 0 ? h.substring(0, colon) : h;
    return name.equals("localhost") || name.equals("127.0.0.1") || name.startsWith("127.");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}

package dev.mailgate.config.model;

import java.util.Objects;

/** A host (name, IPv4 or IPv6 literal without brackets) and a TCP port. */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }
  }

  /**
   * Parses {@code host:port}, {@code [v6]:port}, or {@code :port} / {@code port} (then the host is
   * {@code defaultHost}).
   */
  public static HostPort parse(String text, String defaultHost) {
    String s = text.strip();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [IPv6]:PORT, got '" + text + "'");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "an IPv6 address needs brackets: [" + s + "] or [ADDRESS]:PORT, got '" + text + "'");
      }
      host = colon < 0 ? defaultHost : (colon == 0 ? defaultHost : s.substring(0, colon));
      port = colon < 0 ? s : s.substring(colon + 1);
    }
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port '" + port + "' in '" + text + "'");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " out of range 0..65535");
    }
    return new HostPort(host, p);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}

package dev.mailgate.policy.route;

import java.util.Objects;

/**
 * Where a session goes: a named backend, a named pool of backends, the local mailbox tier, or a
 * server address handed back by a lookup (nginx {@code auth_http}'s Auth-Server and Auth-Port).
 *
 * <p>Text form (configuration and lookup files): {@code backend:NAME}, {@code pool:NAME},
 * {@code local}, {@code server:HOST:PORT}.
 */
public sealed interface RouteTarget {

  /** One configured backend. */
  record Backend(String name) implements RouteTarget {
    public Backend {
      requireName(name);
    }

    @Override
    public String toString() {
      return "backend:" + name;
    }
  }

  /** A configured pool; the member is chosen by rendezvous hashing on the user. */
  record Pool(String name) implements RouteTarget {
    public Pool {
      requireName(name);
    }

    @Override
    public String toString() {
      return "pool:" + name;
    }
  }

  /** The built-in local mailbox tier. */
  record Local() implements RouteTarget {
    @Override
    public String toString() {
      return "local";
    }
  }

  /** A literal address from a lookup; connection settings come from the lookup's template backend. */
  record Server(String host, int port) implements RouteTarget {
    public Server {
      requireName(host);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range 1..65535: " + port);
      }
    }

    @Override
    public String toString() {
      return "server:" + host + ":" + port;
    }
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  static RouteTarget parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.strip();
    if (s.equals("local")) {
      return new Local();
    }
    if (s.startsWith("backend:")) {
      return new Backend(s.substring(8));
    }
    if (s.startsWith("pool:")) {
      return new Pool(s.substring(5));
    }
    if (s.startsWith("server:")) {
      String hp = s.substring(7);
      int colon = hp.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected server:HOST:PORT, got '" + text + "'");
      }
      String host = hp.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new Server(host, Integer.parseInt(hp.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port in '" + text + "'");
      }
    }
    throw new IllegalArgumentException(
        "expected backend:NAME, pool:NAME, local or server:HOST:PORT, got '" + text + "'");
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("empty name");
    }
  }
}

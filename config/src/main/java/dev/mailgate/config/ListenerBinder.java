package dev.mailgate.config;

import dev.mailgate.config.model.HostPort;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.ListenerLimits;
import dev.mailgate.config.model.ProxyProtocolConfig;
import dev.mailgate.config.model.TlsMode;
import dev.mailgate.config.yaml.YNode;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Binds {@code listeners:} and checks names and bind addresses are unique. */
final class ListenerBinder {
  static final String ANY_HOST = "0.0.0.0";

  private ListenerBinder() {}

  static List<ListenerConfig> bind(Section root) {
    List<ListenerConfig> out = new ArrayList<>();
    Map<String, YNode> names = new HashMap<>();
    Map<String, String> binds = new HashMap<>();
    int index = 0;
    for (YNode item : root.list("listeners")) {
      index++;
      Section s = Section.of(item, root.errors(), "listeners[" + index + "]");
      String name = s.optString("name").orElse(null);
      if (name == null) {
        root.errors().add(item.location(), s.path() + ": a listener needs a name");
        name = "listener-" + index;
      } else if (names.putIfAbsent(name, item) != null) {
        s.error("name", "duplicate listener name '" + name + "' (first at line "
            + names.get(name).location().line() + ")");
      }
      MailProtocol protocol = s.enumValue("protocol", MailProtocol.class, null);
      if (protocol == null && !s.has("protocol")) {
        s.error("protocol", "a listener needs a protocol: smtp, submission, pop3 or imap");
      }
      if (protocol == null) {
        protocol = MailProtocol.SMTP;
      }
      HostPort bindAddr = s.hostPort("bind", ANY_HOST, null);
      if (bindAddr == null && !s.has("bind")) {
        s.error("bind", "a listener needs a bind address, e.g. 0.0.0.0:3143");
      }
      if (bindAddr != null && bindAddr.port() != 0) {
        String first = conflicting(binds, bindAddr);
        if (first != null) {
          s.error("bind", "listeners '" + first + "' and '" + name + "' both bind " + bindAddr);
        } else {
          binds.put(bindAddr.toString(), name);
        }
      }
      TlsMode tls = s.enumValue("tls", TlsMode.class, TlsMode.STARTTLS);
      ProxyProtocolConfig proxy = proxy(s.section("proxy_protocol"));
      List<Cidr> plaintext = s.networks("allow_plaintext_auth", Cidr.LOOPBACK);
      ListenerLimits limits = limits(s.section("limits"), protocol);
      s.finish();
      if (bindAddr != null) {
        out.add(new ListenerConfig(name, protocol, bindAddr, tls, proxy, plaintext, limits));
      }
    }
    return out;
  }

  /** The name of a listener already bound to the same port on an overlapping address. */
  private static String conflicting(Map<String, String> binds, HostPort b) {
    for (Map.Entry<String, String> e : binds.entrySet()) {
      HostPort other = HostPort.parse(e.getKey(), ANY_HOST);
      if (other.port() == b.port() && (other.host().equals(b.host()) || isWildcard(other.host())
          || isWildcard(b.host()))) {
        return e.getValue();
      }
    }
    return null;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
  }

  private static ProxyProtocolConfig proxy(Section s) {
    boolean enabled = s.bool("enabled", false);
    List<Cidr> trusted = s.networks("trusted_networks", List.of());
    if (enabled && trusted.isEmpty()) {
      s.error("trusted_networks", "PROXY protocol is enabled without trusted_networks: any client"
          + " could claim any address; list the load balancers' networks");
    }
    s.finish();
    return new ProxyProtocolConfig(enabled, trusted);
  }

  private static ListenerLimits limits(Section s, MailProtocol protocol) {
    ListenerLimits d = ListenerLimits.defaults(protocol);
    int line = s.integer("max_line_length", d.maxLineLength(), 6, 1 << 20);
    long literal = s.size("max_literal_size", d.maxLiteralSize());
    long message = s.size("max_message_size", d.maxMessageSize());
    int errors = s.integer("max_errors", d.maxErrors(), 1, 1000);
    var preLogin = s.duration("pre_login_timeout", d.preLoginTimeout());
    var idle = s.duration("idle_timeout", d.idleTimeout());
    if (literal < 1) {
      s.error("max_literal_size", "must be at least 1 byte");
    }
    if (message < 1) {
      s.error("max_message_size", "must be at least 1 byte");
    }
    if (preLogin.isZero() || idle.isZero()) {
      s.error(preLogin.isZero() ? "pre_login_timeout" : "idle_timeout", "must be more than 0");
    }
    s.finish();
    ListenerLimits limits = new ListenerLimits(line, literal, message, errors, preLogin, idle);
    try {
      // The codec records know each protocol's ranges (RFC minimums); ask them.
      switch (protocol) {
        case SMTP, SUBMISSION -> limits.smtpLimits();
        case IMAP -> limits.imapLimits();
        case POP3 -> limits.pop3Limits();
      }
    } catch (IllegalArgumentException e) {
      s.errors().add(s.location(), s.path() + ": " + e.getMessage() + " for "
          + protocol.configName());
      return d;
    }
    return limits;
  }
}

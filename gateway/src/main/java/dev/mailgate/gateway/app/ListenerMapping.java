package dev.mailgate.gateway.app;

import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.gateway.net.CidrRange;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Maps a configuration listener to the gateway's {@link ListenerSpec}: protocol, bind address
 * (plus the port offset, see {@link AppOptions#portOffset()}), TLS mode, PROXY protocol trusted
 * networks (empty when the PROXY protocol is off) and the pre-login and idle timeouts.
 */
public final class ListenerMapping {

  private final int portOffset;

  public ListenerMapping(int portOffset) {
    this.portOffset = portOffset;
  }

  public ListenerSpec spec(ListenerConfig l) {
    int port = l.bind().port() == 0 ? 0 : l.bind().port() + portOffset;
    ListenerSpec base =
        ListenerSpec.of(l.name(), protocol(l.protocol()), new InetSocketAddress(l.bind().host(), port), tls(l.tls()));
    List<CidrRange> trusted =
        l.proxyProtocol().enabled() ? l.proxyProtocol().trustedNetworks().stream().map(ListenerMapping::cidr).toList() : List.of();
    return base.withProxyTrustedNetworks(trusted)
        .withTimeouts(l.limits().preLoginTimeout(), l.limits().idleTimeout());
  }

  public int portOffset() {
    return portOffset;
  }

  static Protocol protocol(MailProtocol p) {
    return switch (p) {
      case SMTP -> Protocol.SMTP;
      case SUBMISSION -> Protocol.SUBMISSION;
      case POP3 -> Protocol.POP3;
      case IMAP -> Protocol.IMAP;
    };
  }

  static TlsMode tls(dev.mailgate.config.model.TlsMode m) {
    return switch (m) {
      case NONE -> TlsMode.NONE;
      case STARTTLS -> TlsMode.STARTTLS;
      case IMPLICIT -> TlsMode.IMPLICIT;
    };
  }

  /** The listener's {@code allow_plaintext_auth} networks, for the sessions' settings records. */
  public static List<CidrRange> plaintextAuthNetworks(ListenerConfig l) {
    return l.allowPlaintextAuth().stream().map(ListenerMapping::cidr).toList();
  }

  /** The policy module's CIDR as the gateway's (both print the usual {@code address/prefix}). */
  public static CidrRange cidr(Cidr c) {
    return CidrRange.parse(c.toString());
  }
}

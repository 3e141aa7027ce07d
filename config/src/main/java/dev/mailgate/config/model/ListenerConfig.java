package dev.mailgate.config.model;

import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.Cidr;
import java.util.List;

/**
 * One listening socket. Two listeners are "the same" across a reload when their records are equal;
 * the gateway rebinds only the ones that changed ({@link dev.mailgate.config.ListenerDiff}).
 *
 * @param allowPlaintextAuth client networks that may log in without TLS (default loopback only)
 */
public record ListenerConfig(
    String name,
    MailProtocol protocol,
    HostPort bind,
    TlsMode tls,
    ProxyProtocolConfig proxyProtocol,
    List<Cidr> allowPlaintextAuth,
    ListenerLimits limits) {

  public ListenerConfig {
    allowPlaintextAuth = List.copyOf(allowPlaintextAuth);
  }
}

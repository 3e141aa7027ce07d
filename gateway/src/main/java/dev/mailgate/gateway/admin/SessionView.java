package dev.mailgate.gateway.admin;

import dev.mailgate.gateway.session.ProtocolLabel;
import dev.mailgate.gateway.session.SessionSnapshot;

/**
 * One entry of {@code GET /sessions}: who, from where, which backend, since when, bytes. Built from
 * a {@link SessionSnapshot}, which holds no credential, so none can be listed.
 */
record SessionView(
    String id,
    String protocol,
    String listener,
    String client,
    int clientPort,
    String tls,
    String cipher,
    String user,
    String backend,
    String since,
    long durationMs,
    long bytesIn,
    long bytesOut) {

  static SessionView of(SessionSnapshot s) {
    return new SessionView(
        s.id(),
        ProtocolLabel.of(s.protocol()),
        s.listener(),
        s.clientAddress(),
        s.clientPort(),
        s.tls() == null ? null : s.tls().version(),
        s.tls() == null ? null : s.tls().cipher(),
        s.user(),
        s.backend(),
        s.startedAt().toString(),
        s.duration().toMillis(),
        s.bytesIn(),
        s.bytesOut());
  }
}

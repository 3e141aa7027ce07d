package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import java.time.Duration;
import java.time.Instant;

/**
 * An immutable view of a session at one moment: what {@code GET /sessions} lists and what the
 * session log line prints when it ends. It deliberately has no field for a password, an AUTH
 * payload or any other credential, so none can leak through it.
 *
 * @param id the session id ({@link SessionIds})
 * @param clientAddress the client IP as a literal (never reverse-resolved)
 * @param tls the negotiated TLS parameters, or {@code null} while the connection is in clear
 * @param user the authenticated user, or {@code null} before login
 * @param backend the backend name, or {@code null} before one is connected (or for the local tier)
 * @param duration time since the start, up to now or to the end
 * @param endReason why the session ended, or {@code null} while it is live
 */
public record SessionSnapshot(
    String id,
    Protocol protocol,
    String listener,
    String clientAddress,
    int clientPort,
    TlsInfo tls,
    String user,
    String backend,
    Instant startedAt,
    long bytesIn,
    long bytesOut,
    Duration duration,
    EndReason endReason) {}

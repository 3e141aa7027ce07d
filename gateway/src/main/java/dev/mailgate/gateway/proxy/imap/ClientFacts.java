package dev.mailgate.gateway.proxy.imap;

import java.net.InetSocketAddress;

/**
 * What the gateway knows about the client when it routes a login: immutable, safe to hand to
 * routing and policy code.
 *
 * @param sessionId the gateway's session id (sent to the backend as {@code x-session-id})
 * @param listener the listener's name
 * @param client the real client (from a trusted PROXY header, else the TCP peer)
 * @param local the gateway's address the client connected to
 * @param tls whether the client's connection is encrypted
 */
public record ClientFacts(
    String sessionId, String listener, InetSocketAddress client, InetSocketAddress local, boolean tls) {}

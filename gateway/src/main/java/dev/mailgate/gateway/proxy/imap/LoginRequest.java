package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import io.netty.channel.EventLoop;
import java.util.Map;

/**
 * A login the client asked for, to replay to a backend.
 *
 * @param credentials what the client sent (never printed)
 * @param mechanism the client's SASL mechanism, or null for the LOGIN command
 * @param client who the client is
 * @param clientId the client's RFC 2971 ID fields, or null when it sent none
 * @param loop the client connection's event loop: a kept backend session there is preferred
 */
record LoginRequest(
    SaslCredentials credentials, SaslMechanism mechanism, ClientFacts client, Map<String, String> clientId,
    EventLoop loop) {}

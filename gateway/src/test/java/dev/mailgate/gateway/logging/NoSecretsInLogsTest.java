package dev.mailgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.SessionControl;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.session.SessionSnapshot;
import dev.mailgate.gateway.session.SessionStart;
import dev.mailgate.gateway.session.TlsInfo;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Never a password or an AUTH payload in the logs: the session values have nowhere to hold one, and
 * a full session lifecycle, logged in both formats, is searched for a known test password.
 */
class NoSecretsInLogsTest {
  private static final String PASSWORD = "Tr0ub4dor&3-test-secret";
  private static final String AUTH_PLAIN =
      Base64.getEncoder()
          .encodeToString(("\0alice@example.test\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));

  @Test
  void sessionValuesHaveNoFieldForACredential() {
    Stream<String> names =
        Stream.concat(
            Arrays.stream(SessionSnapshot.class.getRecordComponents()).map(RecordComponent::getName),
            Arrays.stream(SessionRecord.class.getDeclaredFields()).map(Field::getName));
    names
        .map(n -> n.toLowerCase(Locale.ROOT))
        .forEach(
            n ->
                assertThat(n)
                    .doesNotContain("pass")
                    .doesNotContain("secret")
                    .doesNotContain("credential")
                    .doesNotContain("token")
                    .doesNotContain("auth"));
  }

  @Test
  void aWholeSessionLifecycleNeverLogsThePasswordOrTheAuthPayload() {
    try (CapturedLogs logs = new CapturedLogs()) {
      SessionRegistry registry =
          new SessionRegistry(Clock.systemUTC(), new SessionIds(), List.of(new SessionLog()));
      for (EndReason reason : EndReason.values()) {
        runSession(registry, reason);
      }

      assertThat(logs.events(SessionLog.LOGGER)).hasSize(EndReason.values().length);
      for (String rendered : List.of(logs.text(), logs.json())) {
        assertThat(rendered)
            .contains("alice@example.test")
            .doesNotContain(PASSWORD)
            .doesNotContain(AUTH_PLAIN)
            .doesNotContainIgnoringCase("AUTH PLAIN");
      }
    }
  }

  /** What a session does with a login: it holds the secret only long enough to replay it. */
  private static void runSession(SessionRegistry registry, EndReason reason) {
    SessionControl failingHooks =
        new SessionControl() {
          @Override
          public void kick() {
            throw new IllegalStateException("kick failed");
          }

          @Override
          public void drain() {
            throw new IllegalStateException("drain failed");
          }

          @Override
          public void close() {}
        };
    SessionRecord r =
        registry.open(
            new SessionStart(Protocol.IMAP, "imaps", new InetSocketAddress("192.0.2.1", 1143)),
            failingHooks);
    try (SessionMdc.Scope s = SessionMdc.open(r.id())) {
      r.tlsEstablished(new TlsInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384"));
      String clientLine = "a1 AUTHENTICATE PLAIN " + AUTH_PLAIN;
      byte[] decoded = Base64.getDecoder().decode(clientLine.substring(clientLine.lastIndexOf(' ') + 1));
      String user = new String(decoded, StandardCharsets.UTF_8).split("\0")[1];
      r.addBytesIn(clientLine.length() + 2);
      r.authenticated(user);
      r.backendConnected("dovecot-1");
      if (reason == EndReason.KICKED) {
        registry.kick(r); // its failing hook is logged with the session id, never with the line
      }
      r.end(reason);
    }
  }
}

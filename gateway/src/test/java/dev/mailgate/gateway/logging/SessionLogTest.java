package dev.mailgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.SessionControl;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.session.SessionStart;
import dev.mailgate.gateway.session.TlsInfo;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class SessionLogTest {
  private static final SessionControl NOTHING =
      new SessionControl() {
        @Override
        public void kick() {}

        @Override
        public void drain() {}

        @Override
        public void close() {}
      };

  private final SessionRegistry registry =
      new SessionRegistry(
          Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC),
          new SessionIds(7),
          List.of(new SessionLog()));

  @Test
  void oneInfoLinePerSessionOnTheSessionLoggerWithTheIdInTheMdc() {
    try (CapturedLogs logs = new CapturedLogs()) {
      SessionRecord r = open();
      r.end(EndReason.IDLE_TIMEOUT);
      r.end(EndReason.CLIENT_CLOSED);

      List<ILoggingEvent> lines = logs.events(SessionLog.LOGGER);
      assertThat(lines).hasSize(1);
      ILoggingEvent e = lines.get(0);
      assertThat(e.getLevel()).isEqualTo(Level.INFO);
      assertThat(e.getMDCPropertyMap()).containsEntry(SessionMdc.KEY, r.id());
      assertThat(e.getFormattedMessage())
          .isEqualTo(
              "session=" + r.id() + " protocol=smtp listener=submission client=198.51.100.9:51515"
                  + " tls=TLSv1.2 cipher=ECDHE-RSA-AES128-GCM-SHA256 user=bob@example.test"
                  + " backend=postfix bytes_in=10 bytes_out=20 duration_ms=0 reason=idle_timeout");
      assertThat(MDC.get(SessionMdc.KEY)).isNull();
    }
  }

  @Test
  void jsonFormatCarriesTheFieldsStructured() throws Exception {
    try (CapturedLogs logs = new CapturedLogs()) {
      SessionRecord r = open();
      r.end(EndReason.KICKED);

      String json =
          logs.json().lines().filter(l -> l.contains(SessionLog.LOGGER)).findFirst().orElseThrow();
      JsonNode node = new ObjectMapper().readTree(json);
      assertThat(node.get("level").asText()).isEqualTo("INFO");
      assertThat(node.get("loggerName").asText()).isEqualTo(SessionLog.LOGGER);
      assertThat(node.get("mdc").get(SessionMdc.KEY).asText()).isEqualTo(r.id());
      assertThat(node.get("formattedMessage").asText()).endsWith("reason=kicked");
      assertThat(node.get("kvpList").toString())
          .contains("\"user\":\"bob@example.test\"")
          .contains("\"bytes_in\":\"10\"")
          .contains("\"reason\":\"kicked\"");
    }
  }

  @Test
  void theSessionLoggerCanBeSilencedSeparately() {
    ch.qos.logback.classic.Logger sessionLogger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(SessionLog.LOGGER);
    Level before = sessionLogger.getLevel();
    sessionLogger.setLevel(Level.WARN);
    try (CapturedLogs logs = new CapturedLogs()) {
      open().end(EndReason.CLIENT_QUIT);
      assertThat(logs.events(SessionLog.LOGGER)).isEmpty();
    } finally {
      sessionLogger.setLevel(before);
    }
  }

  private SessionRecord open() {
    SessionRecord r =
        registry.open(
            new SessionStart(Protocol.SMTP, "submission", new InetSocketAddress("198.51.100.9", 51515)),
            NOTHING);
    r.tlsEstablished(new TlsInfo("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"));
    r.authenticated("bob@example.test");
    r.backendConnected("postfix");
    r.addBytesIn(10);
    r.addBytesOut(20);
    return r;
  }
}

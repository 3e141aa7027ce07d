package dev.mailgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.SessionControl;
import dev.mailgate.gateway.session.SessionIds;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionRegistry;
import dev.mailgate.gateway.session.SessionStart;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drives each meter and reads the numbers back from the Prometheus scrape. */
class GatewayMetricsTest {
  private static final SessionControl NOTHING =
      new SessionControl() {
        @Override
        public void kick() {}

        @Override
        public void drain() {}

        @Override
        public void close() {}
      };

  private final GatewayMetrics metrics = GatewayMetrics.prometheus();
  private final SessionRegistry registry =
      new SessionRegistry(Clock.systemUTC(), new SessionIds(), List.of(metrics.sessionListener()));

  @Test
  void sessionsActiveGaugeAndTotalCounterFollowTheRegistry() {
    SessionRecord a = open(Protocol.IMAP, "imaps");
    open(Protocol.IMAP, "imaps");
    open(Protocol.SMTP, "submission");
    a.end(EndReason.CLIENT_QUIT);

    String s = metrics.scrape();
    assertThat(s)
        .contains("mailgate_sessions_active{listener=\"imaps\",protocol=\"imap\"} 1.0")
        .contains("mailgate_sessions_active{listener=\"submission\",protocol=\"smtp\"} 1.0")
        .contains("mailgate_sessions_total{listener=\"imaps\",protocol=\"imap\"} 2.0")
        .contains("mailgate_sessions_ended_total{protocol=\"imap\",reason=\"client_quit\"} 1.0")
        .contains("mailgate_session_duration_seconds_count{protocol=\"imap\"} 1");
    assertThat(metrics.activeSessions("imaps", Protocol.IMAP)).isEqualTo(1);
  }

  @Test
  void loginsAreCountedByOutcomeAndBoundedMechanism() {
    metrics.login(Protocol.IMAP, "PLAIN", LoginOutcome.SUCCESS);
    metrics.login(Protocol.IMAP, "plain", LoginOutcome.SUCCESS);
    metrics.login(Protocol.IMAP, "X-MADE-UP-BY-CLIENT-1234", LoginOutcome.FAILURE);
    metrics.login(Protocol.POP3, "USER", LoginOutcome.REFUSED);

    assertThat(metrics.scrape())
        .contains(
            "mailgate_logins_total{mechanism=\"plain\",outcome=\"success\",protocol=\"imap\"} 2.0")
        .contains(
            "mailgate_logins_total{mechanism=\"other\",outcome=\"failure\",protocol=\"imap\"} 1.0")
        .contains(
            "mailgate_logins_total{mechanism=\"user\",outcome=\"refused\",protocol=\"pop3\"} 1.0")
        .doesNotContain("X-MADE-UP");
  }

  @Test
  void policyRefusalsAreCountedByRule() {
    metrics.policyRefusal(Protocol.SMTP, "per-ip-rate");
    metrics.policyRefusal(Protocol.SMTP, "per-ip-rate");

    assertThat(metrics.scrape())
        .contains("mailgate_policy_refusals_total{protocol=\"smtp\",rule=\"per-ip-rate\"} 2.0");
  }

  @Test
  void backendConnectLatencyIsAHistogram() {
    metrics.backendConnect("dovecot-1", Duration.ofMillis(3), true);
    metrics.backendConnect("dovecot-1", Duration.ofMillis(40), true);
    metrics.backendConnect("dovecot-1", Duration.ofSeconds(3), false);

    assertThat(metrics.scrape())
        .contains(
            "mailgate_backend_connect_seconds_bucket{backend=\"dovecot-1\",outcome=\"success\",le=\"0.005\"} 1")
        .contains(
            "mailgate_backend_connect_seconds_bucket{backend=\"dovecot-1\",outcome=\"success\",le=\"0.05\"} 2")
        .contains(
            "mailgate_backend_connect_seconds_count{backend=\"dovecot-1\",outcome=\"failure\"} 1");
  }

  @Test
  void circuitStateHasOneSeriesPerStateWithOneSet() {
    metrics.circuitState("dovecot-1", CircuitState.OPEN);
    metrics.circuitState("dovecot-2", CircuitState.CLOSED);
    metrics.circuitState("dovecot-1", CircuitState.HALF_OPEN);

    assertThat(metrics.scrape())
        .contains("mailgate_backend_circuit_state{backend=\"dovecot-1\",state=\"half_open\"} 1.0")
        .contains("mailgate_backend_circuit_state{backend=\"dovecot-1\",state=\"open\"} 0.0")
        .contains("mailgate_backend_circuit_state{backend=\"dovecot-2\",state=\"closed\"} 1.0");
  }

  @Test
  void bytesAreCountedByProtocolAndDirection() {
    metrics.bytesIn(Protocol.IMAP).increment(100);
    metrics.bytesOut(Protocol.IMAP).increment(5000);
    metrics.bytesIn(Protocol.IMAP).increment(20);

    assertThat(metrics.scrape())
        .contains("mailgate_bytes_in_total{protocol=\"imap\"} 120.0")
        .contains("mailgate_bytes_out_total{protocol=\"imap\"} 5000.0")
        .contains("mailgate_bytes_in_total{protocol=\"smtp\"} 0.0");
  }

  @Test
  void tlsHandshakesAndFailuresByVersion() {
    metrics.tlsHandshake("imaps", "TLSv1.3");
    metrics.tlsHandshakeFailure("imaps", null);
    metrics.tlsHandshakeFailure("imaps", "TLSv9-bogus");

    assertThat(metrics.scrape())
        .contains("mailgate_tls_handshakes_total{listener=\"imaps\",version=\"TLSv1.3\"} 1.0")
        .contains(
            "mailgate_tls_handshake_failures_total{listener=\"imaps\",version=\"unknown\"} 1.0")
        .contains("mailgate_tls_handshake_failures_total{listener=\"imaps\",version=\"other\"} 1.0");
  }

  @Test
  void smtpMessagesAndStoreOperations() {
    metrics.smtpMessageRelayed();
    metrics.smtpMessageRelayed();
    metrics.smtpMessageDelivered();
    metrics.storeOperation("append", Duration.ofMillis(2), true);

    assertThat(metrics.scrape())
        .contains("mailgate_smtp_messages_relayed_total 2.0")
        .contains("mailgate_smtp_messages_delivered_total 1.0")
        .contains(
            "mailgate_store_operation_seconds_count{operation=\"append\",outcome=\"success\"} 1");
  }

  private SessionRecord open(Protocol p, String listener) {
    return registry.open(
        new SessionStart(p, listener, new InetSocketAddress("192.0.2.1", 1000)), NOTHING);
  }
}

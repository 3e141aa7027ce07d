package dev.mailgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.session.EndReason;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.session.SessionSnapshot;
import dev.mailgate.gateway.session.TlsInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionLineTest {
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");

  static SessionSnapshot snapshot(String user, String address, TlsInfo tls) {
    return new SessionSnapshot(
        "28q5-1f",
        Protocol.IMAP,
        "imaps",
        address,
        40001,
        tls,
        user,
        user == null ? null : "dovecot-1",
        Instant.parse("2026-11-30T10:00:00Z"),
        123,
        4567,
        Duration.ofMillis(1500),
        EndReason.CLIENT_QUIT);
  }

  @Test
  void lineHasEveryFieldInOrder() {
    String line =
        SessionLine.format(
            snapshot(
                "alice@example.test", "192.0.2.7", new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256")));

    assertThat(line)
        .isEqualTo(
            "session=28q5-1f protocol=imap listener=imaps client=192.0.2.7:40001 tls=TLSv1.3"
                + " cipher=TLS_AES_128_GCM_SHA256 user=alice@example.test backend=dovecot-1"
                + " bytes_in=123 bytes_out=4567 duration_ms=1500 reason=client_quit");
  }

  @Test
  void unknownValuesAreDashesAndIpv6IsBracketed() {
    String line = SessionLine.format(snapshot(null, "2001:db8::1", null));

    assertThat(line)
        .contains("client=[2001:db8::1]:40001 tls=- cipher=- user=- backend=-");
  }

  @Test
  void hostileUserNameCannotForgeALineOrAField() {
    String line =
        SessionLine.format(snapshot("x\r\nsession=fake reason=\"kicked\" \\", "192.0.2.7", null));

    assertThat(line).doesNotContain("\r").doesNotContain("\n");
    assertThat(line).contains("user=\"x\\x0d\\x0asession=fake reason=\\\"kicked\\\" \\\\\"");
    // a quote-aware reader sees exactly the twelve fields, the last one the real reason
    Matcher m = FIELD.matcher(line);
    List<String> keys = new ArrayList<>();
    String lastValue = null;
    while (m.find()) {
      keys.add(m.group(1));
      lastValue = m.group(2);
    }
    assertThat(keys).hasSize(12).doesNotHaveDuplicates().endsWith("reason");
    assertThat(lastValue).isEqualTo("client_quit");
  }

  @Test
  void unicodeLineSeparatorsAreEscaped() {
    String line = SessionLine.format(snapshot("a\u2028b\u0085c", "192.0.2.7", null));

    assertThat(line).contains("user=\"a\\u2028b\\x85c\"");
  }
}

package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A slowloris client: after the greeting it sends one byte a second, never completing a login, so
 * the idle timeout never fires. The pre-login timeout (2 s on these listeners) must close it. The
 * bound checked is generous (20 bytes, i.e. about ten times the timeout) so a loaded machine does
 * not make the test flaky; what matters is that the connection does not live on.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class SlowClientTest {
  private static final int MAX_BYTES = 20;
  private final RunningGateway gw;

  SlowClientTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"slow-smtp, EHLO ", "slow-pop3, USER ", "slow-imap, a LOGIN "})
  @Case(on = "smtp, pop3, imap (pre_login_timeout 2s)", input = "one byte a second after the greeting, never a full login",
      expect = "closed by the pre-login timeout (within 20 bytes), then a fresh client is greeted")
  void aClientSendingOneByteASecondIsClosedByThePreLoginTimeout(String listener, String prefix, Observed seen)
      throws Exception {
    int port = gw.port(listener);
    int sent = 0;
    StringBuilder said = new StringBuilder();
    boolean closed = false;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[4096];
      byte[] drip = (prefix + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII);
      while (!closed && sent < MAX_BYTES) {
        try {
          int n = in.read(buf);
          if (n < 0) {
            closed = true;
          } else {
            said.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
        } catch (SocketTimeoutException oneSecond) {
          try {
            out.write(drip[sent++]);
            out.flush();
          } catch (IOException writeFailed) {
            closed = true;
          }
        } catch (SocketException reset) {
          closed = true;
        }
      }
    }
    // the APOP timestamp of a POP3 greeting changes every run: keep the document stable
    String lastLine = said.toString().strip().lines().reduce((a, b) -> b).orElse("").replaceAll("<[^>]*>", "<...>");
    seen.saw("closed after " + sent + " bytes; last line: " + lastLine);
    assertThat(closed).as("closed by the server").isTrue();
    try (Wire fresh = Wire.connect(port)) {
      fresh.expect("(220|\\+OK|\\* OK) .*");
    }
  }
}

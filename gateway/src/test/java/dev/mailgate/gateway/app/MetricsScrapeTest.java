package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailgate.gateway.logging.CapturedLogs;
import dev.mailgate.gateway.logging.SessionLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default driven by plain socket clients whose every byte is counted, then {@code GET
 * /metrics} scraped over HTTP: the session, login, message, TLS and byte numbers must match the
 * traffic sent; {@code GET /sessions} must list the live IMAP session with its user and client
 * address; and each session that ended must have written one log line with its bytes and why it
 * ended.
 */
class MetricsScrapeTest {

  private static final String USER = "me@example.test";
  private static final String PASSWORD = "s3cret";

  @TempDir Path dir;

  @Test
  void scrapedNumbersMatchTheTrafficSentAndTheLiveSessionIsListed() throws Exception {
    int offset = FreePorts.offsetFor(FreePorts.EMBEDDED);
    AppOptions options = new AppOptions(Optional.empty(), Map.of("MAILGATE_DATA", dir.toString()), offset,
        Duration.ofSeconds(5), false);
    try (CapturedLogs logs = new CapturedLogs();
        MailgateApp app = MailgateApp.start(options, ProtocolHandlers.standard())) {
      app.context().users().add(USER, PASSWORD.toCharArray()).block(Duration.ofSeconds(30));
      // the mailbox is provisioned by a background poll within a second; until then RCPT gets 450
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !app.context().store()
          .mailboxes(USER).collectList().block(Duration.ofSeconds(30)).isEmpty());
      String admin = "http://127.0.0.1:" + app.adminPort().orElseThrow();

      // SMTP on the MX listener, plaintext: the wire bytes are exactly the client's bytes.
      LineClient smtp = LineClient.plain(3025 + offset);
      smtp.expect("220");
      smtp.send("EHLO client.test");
      smtp.expectLast("250");
      smtp.send("MAIL FROM:<someone@elsewhere.test>");
      smtp.expect("250");
      smtp.send("RCPT TO:<" + USER + ">");
      smtp.expect("250");
      smtp.send("DATA");
      smtp.expect("354");
      smtp.send("Subject: counted\r\n\r\nhello\r\n.");
      smtp.expect("250");
      smtp.send("QUIT");
      smtp.expect("221");
      smtp.awaitClose();

      // POP3 USER/PASS in plaintext from loopback (allowed there by the embedded default).
      LineClient pop3 = LineClient.plain(3110 + offset);
      pop3.expect("+OK");
      pop3.send("USER " + USER);
      pop3.expect("+OK");
      pop3.send("PASS " + PASSWORD);
      pop3.expect("+OK");
      pop3.send("QUIT");
      pop3.expect("+OK");
      pop3.awaitClose();

      // A failed IMAP LOGIN on the plaintext IMAP listener.
      LineClient bad = LineClient.plain(3143 + offset);
      bad.expect("* OK");
      bad.send("a1 LOGIN " + USER + " wrong-password");
      bad.expect("a1 NO");
      bad.send("a2 LOGOUT");
      bad.expect("* BYE");
      bad.awaitClose();

      // IMAP over implicit TLS: login and fetch, and stay connected for GET /sessions.
      LineClient imap = LineClient.tls(3993 + offset);
      imap.expect("* OK");
      imap.send("a1 LOGIN " + USER + " " + PASSWORD);
      imap.expect("a1 OK");
      imap.send("a2 SELECT INBOX");
      imap.expect("a2 OK");
      imap.send("a3 FETCH 1 BODY[]");
      imap.expect("a3 OK");

      JsonNode sessions = new ObjectMapper().readTree(get(admin + "/sessions"));
      JsonNode live = null;
      for (JsonNode s : sessions.isArray() ? sessions : sessions.path("sessions")) {
        if ("imaps".equals(s.path("listener").asText())) {
          live = s;
        }
      }
      assertThat(live).as("GET /sessions lists the IMAPS session: %s", sessions).isNotNull();
      assertThat(live.path("user").asText()).isEqualTo(USER);
      assertThat(live.path("client").asText()).isEqualTo("127.0.0.1");
      assertThat(live.path("clientPort").asInt()).isEqualTo(imap.localPort());
      assertThat(live.path("tls").asText()).isEqualTo(imap.tlsVersion());
      assertThat(live.path("bytesIn").asLong()).isGreaterThan(imap.sent());

      Metrics m = Metrics.parse(get(admin + "/metrics"));
      assertThat(m.value("mailgate_sessions_active", "listener", "imaps", "protocol", "imap")).isEqualTo(1);
      assertThat(m.value("mailgate_sessions_total", "listener", "smtp", "protocol", "smtp")).isEqualTo(1);
      assertThat(m.value("mailgate_sessions_total", "listener", "pop3", "protocol", "pop3")).isEqualTo(1);
      assertThat(m.value("mailgate_sessions_total", "listener", "imap", "protocol", "imap")).isEqualTo(1);
      assertThat(m.value("mailgate_sessions_total", "listener", "imaps", "protocol", "imap")).isEqualTo(1);
      assertThat(m.value("mailgate_logins_total", "protocol", "imap", "mechanism", "login", "outcome", "success"))
          .isEqualTo(1);
      assertThat(m.value("mailgate_logins_total", "protocol", "imap", "mechanism", "login", "outcome", "failure"))
          .isEqualTo(1);
      assertThat(m.value("mailgate_logins_total", "protocol", "pop3", "mechanism", "user", "outcome", "success"))
          .isEqualTo(1);
      assertThat(m.value("mailgate_smtp_messages_delivered_total")).isEqualTo(1);
      assertThat(m.value("mailgate_smtp_messages_relayed_total")).isZero();
      assertThat(m.value("mailgate_store_operation_seconds_count", "operation", "append", "outcome", "success"))
          .isEqualTo(1);
      assertThat(m.value("mailgate_store_operation_seconds_count", "operation", "content", "outcome", "success"))
          .isPositive();
      assertThat(m.value("mailgate_tls_handshakes_total", "listener", "imaps", "version", imap.tlsVersion()))
          .isEqualTo(1);
      // plaintext SMTP: the server read exactly what the client wrote, and wrote what it read
      assertThat(m.value("mailgate_bytes_in_total", "protocol", "smtp")).isEqualTo(smtp.sent());
      assertThat(m.value("mailgate_bytes_out_total", "protocol", "smtp")).isEqualTo(smtp.received());
      // IMAP: the plaintext session's bytes plus the TLS session's records, more than its payload
      assertThat(m.value("mailgate_bytes_in_total", "protocol", "imap")).isGreaterThan(bad.sent() + imap.sent());
      assertThat(m.value("mailgate_bytes_out_total", "protocol", "imap"))
          .isGreaterThan(bad.received() + imap.received());

      // Ended sessions are unregistered on close, right after the client saw the server close.
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Metrics after = Metrics.parse(get(admin + "/metrics"));
        assertThat(after.value("mailgate_sessions_ended_total", "protocol", "smtp", "reason", "client_quit"))
            .isEqualTo(1);
        assertThat(after.value("mailgate_sessions_ended_total", "protocol", "pop3", "reason", "client_quit"))
            .isEqualTo(1);
        assertThat(after.value("mailgate_sessions_ended_total", "protocol", "imap", "reason", "client_quit"))
            .isEqualTo(1);
        assertThat(after.value("mailgate_sessions_active", "listener", "smtp", "protocol", "smtp")).isZero();
      });
      String smtpLine = "protocol=smtp listener=smtp client=127.0.0.1:" + smtp.localPort() + " tls=- cipher=- user=-"
          + " backend=- bytes_in=" + smtp.sent() + " bytes_out=" + smtp.received() + " duration_ms=";
      List<String> lines = logs.events(SessionLog.LOGGER).stream().map(e -> e.getFormattedMessage()).toList();
      assertThat(lines).filteredOn(l -> l.contains(smtpLine)).singleElement().asString()
          .endsWith(" reason=client_quit");
      assertThat(lines).filteredOn(l -> l.contains("client=127.0.0.1:" + pop3.localPort() + " "))
          .singleElement().asString().contains("user=" + USER).endsWith(" reason=client_quit");
      assertThat(lines).as("the live IMAPS session has no line yet")
          .noneMatch(l -> l.contains("client=127.0.0.1:" + imap.localPort() + " "));

      imap.send("a4 LOGOUT");
      imap.expect("a4 OK");
      imap.awaitClose();
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(logs.events(SessionLog.LOGGER).stream().map(e -> e.getFormattedMessage())
              .filter(l -> l.contains("client=127.0.0.1:" + imap.localPort() + " ")).toList())
              .singleElement().asString()
              .contains("tls=" + imap.tlsVersion(), "user=" + USER)
              .endsWith(" reason=client_quit"));
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  /** The samples of a Prometheus text scrape. */
  private record Metrics(List<String> lines) {
    static Metrics parse(String body) {
      return new Metrics(body.lines().filter(l -> !l.startsWith("#")).toList());
    }

    /** The sum of the series of this name whose labels include the given pairs; 0 when none. */
    double value(String name, String... labels) {
      double sum = 0;
      for (String l : lines) {
        int brace = l.indexOf('{');
        int space = l.lastIndexOf(' ');
        String n = brace < 0 ? l.substring(0, space) : l.substring(0, brace);
        if (!n.equals(name)) {
          continue;
        }
        boolean all = true;
        for (int i = 0; i < labels.length; i += 2) {
          all &= brace >= 0 && l.substring(brace, space).contains(labels[i] + "=\"" + labels[i + 1] + "\"");
        }
        if (all) {
          sum += Double.parseDouble(l.substring(space + 1));
        }
      }
      return sum;
    }
  }

  /** A line client that counts the bytes it sends and receives. */
  private static final class LineClient {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private long sent;
    private long received;

    private LineClient(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(10_000);
      this.out = socket.getOutputStream();
      this.in = socket.getInputStream();
    }

    static LineClient plain(int port) throws IOException {
      return new LineClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    static LineClient tls(int port) throws Exception {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
      s.startHandshake();
      return new LineClient(s);
    }

    void send(String line) throws IOException {
      byte[] b = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
      out.write(b);
      out.flush();
      sent += b.length;
    }

    /** Reads lines until one starts with {@code prefix}; fails on end of stream. */
    String expect(String prefix) throws IOException {
      while (true) {
        String line = readLine();
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Reads an SMTP multi-line reply up to its last line ({@code 250 } rather than {@code 250-}). */
    void expectLast(String code) throws IOException {
      expect(code + " ");
    }

    /** Waits for the server to close the connection after a goodbye. */
    void awaitClose() throws IOException {
      while (in.read() >= 0) {
        received++;
      }
      socket.close();
    }

    private String readLine() throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        received++;
        if (c == '\n') {
          return b.toString();
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      throw new IOException("connection closed after: " + b);
    }

    long sent() {
      return sent;
    }

    long received() {
      return received;
    }

    int localPort() {
      return socket.getLocalPort();
    }

    String tlsVersion() {
      return ((SSLSocket) socket).getSession().getProtocol();
    }
  }

  /** The embedded default's certificate is self-signed: this client trusts it as-is. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.config.ConfigLoader;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.policy.MailProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The composition root started from a real configuration file, reloaded through the admin API. */
class MailgateAppTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A handler per protocol that greets with the listener's name and idle timeout, then closes. */
  private static ProtocolHandlers greeters() {
    ProtocolHandlers h = new ProtocolHandlers();
    for (MailProtocol p : MailProtocol.values()) {
      for (ListenerTier t : ListenerTier.values()) {
        h.register(p, t, (l, c) -> (conn, ctx) -> conn.outbound()
            .sendString(Mono.just(l.name() + " " + t + " idle=" + l.limits().idleTimeout() + "\r\n")).then());
      }
    }
    return h;
  }

  private Path config(String listeners, String extra) throws IOException {
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, "server: { data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { bind: \"127.0.0.1:0\" }\n"
        + "listeners:\n" + listeners + extra);
    return f;
  }

  private MailgateApp start(Path file) {
    return MailgateApp.start(new AppOptions(Optional.of(file), Map.of(), 0, Duration.ofSeconds(5), false), greeters());
  }

  private HttpResponse<String> post(MailgateApp app, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort().get() + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(MailgateApp app, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminPort().get() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String greeting(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  /**
   * The greeting, or null when no session is served: the connect is refused or, while the close of
   * the listening socket is still completing on the native transport, reset or closed unanswered.
   */
  private static String greetingIfServed(int port) {
    try {
      return greeting(port);
    } catch (IOException notServed) {
      return null;
    }
  }

  private static RunningListener listener(MailgateApp app, String name) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void reloadAddsRemovesAndRebindsOnlyTheChangedListeners() throws Exception {
    int imap = FreePorts.one();
    int pop3 = FreePorts.one();
    int pop3Moved = FreePorts.one();
    int smtp = FreePorts.one();
    Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n"
        + "  - { name: pop3, protocol: pop3, bind: \"127.0.0.1:" + pop3 + "\", tls: none }\n", "");
    try (MailgateApp app = start(f)) {
      assertThat(greeting(imap)).isEqualTo("imap LOCAL idle=PT30M");
      assertThat(greeting(pop3)).startsWith("pop3 LOCAL");
      RunningListener imapBefore = listener(app, "imap");

      config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n"
          + "  - { name: pop3, protocol: pop3, bind: \"127.0.0.1:" + pop3Moved + "\", tls: none }\n"
          + "  - { name: smtp, protocol: smtp, bind: \"127.0.0.1:" + smtp + "\", tls: none }\n", "");
      HttpResponse<String> r = post(app, "/reload");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"applied\":true");

      assertThat(listener(app, "imap")).as("unchanged listener keeps its socket").isSameAs(imapBefore);
      assertThat(greeting(pop3Moved)).startsWith("pop3 LOCAL");
      assertThat(greeting(smtp)).startsWith("smtp LOCAL");
      assertThat(greetingIfServed(pop3)).as("no session served on a removed listener").isNull();
      assertThat(app.listeners()).hasSize(3);
    }
  }

  @Test
  void ioThreadsBoundsTheEventLoopsThatServeTheSessions() throws Exception {
    int imap = FreePorts.one();
    Path f = dir.resolve("mailgate.yaml");
    Files.writeString(f, "server: { data_dir: \"" + dir.resolve("data") + "\", io_threads: 1 }\n"
        + "admin: { bind: \"127.0.0.1:0\" }\n"
        + "listeners:\n  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n");
    java.util.regex.Pattern loop = java.util.regex.Pattern.compile("mailgate-(io_uring|epoll|kqueue|nio)-\\d+");
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (MailgateApp app = start(f)) {
      for (int i = 0; i < 4; i++) { // with more loops, sessions are spread over them round-robin
        assertThat(greeting(imap)).isEqualTo("imap LOCAL idle=PT30M");
      }
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && loop.matcher(t.getName()).matches()))
          .singleElement();
    }
  }

  @Test
  void aLimitsOnlyChangeKeepsTheSocketAndNewSessionsGetTheNewSettings() throws Exception {
    int imap = FreePorts.one();
    Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n", "");
    try (MailgateApp app = start(f)) {
      RunningListener before = listener(app, "imap");
      config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none,"
          + " limits: { idle_timeout: 45m } }\n", "");
      assertThat(app.reload().applied()).isTrue();
      assertThat(listener(app, "imap")).isSameAs(before);
      assertThat(greeting(imap)).isEqualTo("imap LOCAL idle=PT45M");
    }
  }

  @Test
  void aBrokenFileIsRejectedWithLocatedErrorsAndTheRunningConfigurationStays() throws Exception {
    int imap = FreePorts.one();
    Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n", "");
    try (MailgateApp app = start(f)) {
      Files.writeString(f, Files.readString(f).replace("protocol: imap", "protocol: imapx"));
      HttpResponse<String> r = post(app, "/reload");
      assertThat(r.statusCode()).isEqualTo(422);
      assertThat(r.body()).contains("\"applied\":false").contains(f + ":4:");
      assertThat(greeting(imap)).startsWith("imap LOCAL");
    }
  }

  @Test
  void readinessProbesEveryBackendAndHealthAlwaysAnswers() throws Exception {
    try (ServerSocket up = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int down = FreePorts.one();
      Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + FreePorts.one() + "\", tls: none }\n",
          "backends:\n"
              + "  - { name: up, host: 127.0.0.1, port: " + up.getLocalPort() + ", tls: none }\n"
              + "  - { name: down, host: 127.0.0.1, port: " + down + ", tls: none }\n"
              + "routes:\n  - { name: all, target: backend:up }\n");
      try (MailgateApp app = start(f)) {
        assertThat(get(app, "/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(app, "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"name\":\"up:imap\",\"reachable\":true")
            .contains("\"name\":\"down:imap\",\"reachable\":false");
        assertThat(greeting(app.listeners().get(0).port())).startsWith("imap BACKEND");
      }
    }
  }

  @Test
  void drainStopsAcceptingAndCompletes() throws Exception {
    int imap = FreePorts.one();
    Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + imap + "\", tls: none }\n", "");
    try (MailgateApp app = start(f)) {
      assertThat(app.drain().block(Duration.ofSeconds(10))).isNotNull();
      assertThat(greetingIfServed(imap)).as("no session served after drain").isNull();
      assertThat(get(app, "/ready").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void aPortInUseFailsTheStartWithTheListenerNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path f = config("  - { name: imap, protocol: imap, bind: \"127.0.0.1:" + taken.getLocalPort() + "\", tls: none }\n", "");
      assertThatThrownBy(() -> start(f)).isInstanceOf(StartupException.class).hasMessageContaining("listener imap");
    }
  }

  @Test
  void theEmbeddedDefaultIsAllLocalTierAndTheFrontExampleAllBackend() {
    var embedded = ConfigLoader.embeddedDefault(Map.of());
    embedded.listeners().forEach(l -> assertThat(ListenerTier.of(embedded, l)).isEqualTo(ListenerTier.LOCAL));
    var front = ConfigLoader.load(Path.of("..", "examples", "front-dovecot-postfix.yaml"), Map.of(
        "DOVECOT_HOST", "127.0.0.1", "DOVECOT_IMAP_PORT", "143", "DOVECOT_POP3_PORT", "110",
        "POSTFIX_HOST", "127.0.0.1", "POSTFIX_SMTP_PORT", "25", "POSTFIX_SUBMISSION_PORT", "587"))
        .config().orElseThrow();
    front.listeners().forEach(l -> assertThat(ListenerTier.of(front, l)).isEqualTo(ListenerTier.BACKEND));
  }
}

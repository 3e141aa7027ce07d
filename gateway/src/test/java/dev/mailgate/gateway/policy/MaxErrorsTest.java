package dev.mailgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.ConfigLoader;
import dev.mailgate.config.model.ListenerConfig;
import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.ListenerTier;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener's {@code limits.max_errors} (nginx's {@code max_errors}) ends the session at the
 * configured count on the local POP3 and SMTP servers and in the proxy tier's pre-login dialogue
 * (IMAP, POP3, SMTP), one bad command at a time and all pipelined in one write. The count here is
 * 3, below every default, so a session that ignored the setting would still answer the probe.
 * The proxy listeners route to a backend nobody listens on: the errors happen before any login.
 */
class MaxErrorsTest {
  static final int MAX_ERRORS = 3;
  @TempDir static Path dir;
  static MailgateApp app;

  /** One listener: its bad command, the reply to it, a harmless probe, and the closing line. */
  enum Dialogue {
    LOCAL_SMTP("smtp-local", "220 .*", "FOO", "5\\d\\d .*", "NOOP", "250 .*", "421 .*"),
    LOCAL_POP3("pop3-local", "\\+OK.*", "FOO", "-ERR .*", "CAPA", "\\.", "-ERR .*too many errors.*"),
    PROXY_SMTP("smtp-proxy", "220 .*", "FOO", "5\\d\\d .*", "NOOP", "250 .*", "421 .*"),
    PROXY_POP3("pop3-proxy", "\\+OK.*", "FOO", "-ERR .*", "CAPA", "\\.", "-ERR .*too many errors.*"),
    PROXY_IMAP("imap-proxy", "\\* OK.*", "b FOO", "b BAD .*", "p NOOP", "p OK.*", "\\* BYE .*");

    final String listener;
    final String greeting;
    final String bad;
    final String badReply;
    final String probe;
    final String probeEnd;
    final String closing;

    Dialogue(String listener, String greeting, String bad, String badReply, String probe,
        String probeEnd, String closing) {
      this.listener = listener;
      this.greeting = greeting;
      this.bad = bad;
      this.badReply = badReply;
      this.probe = probe;
      this.probeEnd = probeEnd;
      this.closing = closing;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String limits = "limits: { max_errors: " + MAX_ERRORS + " }";
    Path config = Files.writeString(dir.resolve("mailgate.yaml"), """
        server: { hostname: localhost, data_dir: "%s" }
        admin: { enabled: false }
        listeners:
          - { name: smtp-local, protocol: smtp, bind: "127.0.0.1:0", tls: none, %s }
          - { name: pop3-local, protocol: pop3, bind: "127.0.0.1:0", tls: none, %s }
          - { name: smtp-proxy, protocol: smtp, bind: "127.0.0.1:0", tls: none, %s }
          - { name: pop3-proxy, protocol: pop3, bind: "127.0.0.1:0", tls: none, %s }
          - { name: imap-proxy, protocol: imap, bind: "127.0.0.1:0", tls: none, %s }
        backends:
          - { name: nobody, host: 127.0.0.1, ports: { imap: 1, pop3: 1, smtp: 1 }, tls: none }
        routes:
          - { name: local, match: { listeners: [smtp-local, pop3-local] }, target: local }
          - { name: proxied, match: { listeners: [smtp-proxy, pop3-proxy, imap-proxy] },
              target: "backend:nobody" }
        relay: { accepted_domains: [example.test] }
        """.formatted(dir.resolve("data"), limits, limits, limits, limits, limits));
    MailgateConfig loaded = ConfigLoader.load(config, Map.of()).config().orElseThrow();
    for (ListenerConfig l : loaded.listeners()) {
      assertThat(ListenerTier.of(loaded, l)).as(l.name())
          .isEqualTo(l.name().endsWith("-local") ? ListenerTier.LOCAL : ListenerTier.BACKEND);
    }
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  static int port(String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port).orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(Dialogue.class)
  void theConfiguredErrorCountEndsTheSessionOneCommandAtATime(Dialogue d) throws Exception {
    try (LineClient c = new LineClient(port(d.listener))) {
      assertThat(c.line()).matches(d.greeting);
      for (int i = 1; i < MAX_ERRORS; i++) {
        assertThat(c.send(d.bad + "\r\n").line()).matches(d.badReply);
      }
      assertThat(c.send(d.probe + "\r\n").until(d.probeEnd)).as("still open after "
          + (MAX_ERRORS - 1) + " errors").isNotNull();
      assertThat(c.send(d.bad + "\r\n").until(d.closing)).as("closing reply").isNotNull();
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialogue.class)
  void theConfiguredErrorCountEndsTheSessionWhenTheCommandsArePipelined(Dialogue d)
      throws Exception {
    try (LineClient c = new LineClient(port(d.listener))) {
      assertThat(c.line()).matches(d.greeting);
      c.send((d.bad + "\r\n").repeat(MAX_ERRORS) + d.probe + "\r\n");
      for (int i = 1; i < MAX_ERRORS; i++) {
        assertThat(c.line()).matches(d.badReply);
      }
      String closing = c.until(d.closing);
      assertThat(closing).as("closing reply").isNotNull();
      assertThat(c.closedByServer()).as("the pipelined probe is not answered").isTrue();
    }
  }
}

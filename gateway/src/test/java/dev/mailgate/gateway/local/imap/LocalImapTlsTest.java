package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.ServerTls;
import dev.mailgate.gateway.tls.TestPki;
import dev.mailgate.gateway.tls.TlsSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS (RFC 9051 section 6.2.1) and the privacy rules before it: LOGINDISABLED and {@code NO
 * [PRIVACYREQUIRED]} while plaintext login is not allowed, and commands pipelined after STARTTLS
 * are dropped, never answered over TLS.
 */
class LocalImapTlsTest {
  @TempDir Path dir;
  ServerTls tls;
  LocalImapServer server;

  @BeforeEach
  void start() throws Exception {
    var cert = TestPki.create("ca").issue(dir, "srv", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost");
    tls = ServerTls.start(TlsSpec.defaults(List.of(cert), dir, "localhost").withReloadInterval(Duration.ZERO));
    server = LocalImapServer.start(dir, LocalImapSettings.of("imap.test", ImapLimits.DEFAULTS).withTls(tls));
  }

  @AfterEach
  void stop() {
    server.close();
    tls.close();
  }

  @Test
  void plaintextLoginIsRefusedUntilStartTls() {
    Transcript.of("""
        S: \\* OK \\[CAPABILITY IMAP4rev1 .* STARTTLS LOGINDISABLED\\] imap.test IMAP4rev1 ready
        C: t1 LOGIN alice secret
        S: t1 NO \\[PRIVACYREQUIRED\\] .*
        C: t2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
        S: t2 NO \\[PRIVACYREQUIRED\\] .*
        C: t3 STARTTLS
        S: t3 OK Begin TLS negotiation now
        !TLS
        C: t4 CAPABILITY
        S: \\* CAPABILITY IMAP4rev1 LITERAL\\+ SASL-IR ID ENABLE IDLE AUTH=PLAIN
        S: t4 OK CAPABILITY completed
        C: t5 STARTTLS
        S: t5 BAD STARTTLS not available
        C: t6 LOGIN alice secret
        S: t6 OK \\[CAPABILITY .*\\] Logged in
        C: t7 LOGOUT
        S: \\* BYE .*
        S: t7 OK .*
        """).run(server.address());
  }

  @Test
  void commandsPipelinedAfterStartTlsAreDropped() {
    try (Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      c.run("S: \\* OK .*");
      c.send("t1 STARTTLS\r\nt2 CAPABILITY\r\nt3 NOOP\r\n".getBytes(US_ASCII));
      c.run("""
          S: t1 OK Begin TLS negotiation now
          !TLS
          C: t4 NOOP
          S: t4 OK NOOP completed
          """);
    }
  }
}

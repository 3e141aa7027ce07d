package dev.mailgate.gateway.local.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.pop3.Pop3ServerSettings;
import dev.mailgate.gateway.pop3.Pop3TestClient;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local POP3 server with real clients (Angus Mail, curl) and with STLS on a listener where
 * plaintext logins are not allowed (the secure default for any client not on loopback).
 */
class LocalPop3ClientsTest {

  static final String M1 = "From: a@example.org\r\nTo: b@example.org\r\nSubject: hello\r\n\r\nHello there.\r\n";
  static final String M2 = "From: c@example.org\r\nSubject: second\r\n\r\n.starts with a dot\r\nend\r\n";

  static LocalPop3Fixture fx;
  static int loopbackPort;
  static int tlsOnlyPort;

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    loopbackPort = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS);
    LocalPop3Settings tlsOnly = new LocalPop3Settings(
        Pop3ServerSettings.defaults("pop.example.org").withPlaintextAuthNetworks(List.of()), 1000);
    tlsOnlyPort = fx.start(tlsOnly, TlsMode.STARTTLS);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void withoutTlsPasswordsAreRefusedWithSysPermAndNotAdvertised() throws Exception {
    try (Pop3TestClient c = new Pop3TestClient(tlsOnlyPort)) {
      c.line();
      assertThat(c.command("CAPA")).startsWith("+OK");
      List<String> caps = c.body();
      assertThat(caps).contains("STLS").doesNotContain("USER", "SASL PLAIN LOGIN");
      assertThat(c.command("USER someone")).startsWith("-ERR [SYS/PERM]");
      assertThat(c.command("PASS x")).startsWith("-ERR [SYS/PERM]");
      assertThat(c.command("AUTH PLAIN AHVAcA==")).startsWith("-ERR [SYS/PERM]");
    }
  }

  @Test
  void stlsDiscardsPipelinedPlaintextAndThenAllowsLogin() throws Exception {
    String user = fx.user("stls", M1);
    try (Pop3TestClient c = new Pop3TestClient(tlsOnlyPort)) {
      c.line();
      // a man in the middle appends a plaintext command after STLS: it must never be executed
      c.write("STLS\r\nUSER " + user + "\r\n");
      assertThat(c.line()).isEqualTo("+OK Begin TLS negotiation");
      c.startTls();
      c.transcript("""
          C: PASS %s
          S: -ERR USER first
          C: CAPA
          S: \\+OK.*
          """.formatted(LocalPop3Fixture.PASSWORD));
      List<String> caps = c.body();
      assertThat(caps).contains("USER", "SASL PLAIN LOGIN").doesNotContain("STLS");
      c.transcript("""
          C: STLS
          S: -ERR TLS already active
          C: USER %s
          S: \\+OK.*
          C: PASS %s
          S: \\+OK maildrop has 1 messages.*
          """.formatted(user, LocalPop3Fixture.PASSWORD));
    }
  }

  @Test
  void angusMailOverStlsReadsAndDeletes() throws Exception {
    String user = fx.user("angus", M1, M2);
    Properties p = new Properties();
    p.put("mail.pop3.host", "localhost");
    p.put("mail.pop3.port", Integer.toString(tlsOnlyPort));
    p.put("mail.pop3.starttls.enable", "true");
    p.put("mail.pop3.starttls.required", "true");
    p.put("mail.pop3.ssl.trust", "*");
    p.put("mail.pop3.connectiontimeout", "10000");
    p.put("mail.pop3.timeout", "10000");
    Store store = Session.getInstance(p).getStore("pop3");
    store.connect(user, LocalPop3Fixture.PASSWORD);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message[] messages = inbox.getMessages();
      assertThat(messages).hasSize(2);
      assertThat(messages[0].getSubject()).isEqualTo("hello");
      assertThat(((String) messages[0].getContent()).strip()).isEqualTo("Hello there.");
      assertThat(messages[1].getSubject()).isEqualTo("second");
      assertThat((String) messages[1].getContent()).startsWith(".starts with a dot");
      assertThat(((org.eclipse.angus.mail.pop3.POP3Folder) inbox).getUID(messages[1])).isEqualTo(fx.inbox(user).uidValidity() + ".2");
      messages[0].setFlag(Flags.Flag.DELETED, true);
      inbox.close(true);
    } finally {
      store.close();
    }
    assertThat(fx.messageCount(user)).isEqualTo(1);
  }

  @Test
  void curlListsAndRetrieves() throws Exception {
    String user = fx.user("curl", M1, M2);
    String base = "pop3://127.0.0.1:" + loopbackPort + "/";
    assertThat(curl(user, base).lines().toList()).containsExactly("1 " + M1.length(), "2 " + M2.length());
    assertThat(curl(user, base + "2")).isEqualTo(M2);
  }

  static String curl(String user, String url) throws Exception {
    Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "-u", user + ":" + LocalPop3Fixture.PASSWORD, url)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("curl exit code").isZero();
    return out;
  }
}

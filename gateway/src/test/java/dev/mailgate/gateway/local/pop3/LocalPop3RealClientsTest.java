package dev.mailgate.gateway.local.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.TlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local POP3 tier with the command-line mail retrievers administrators run, as processes over
 * implicit TLS with the certificate checked against the test CA: fetchmail (downloads and deletes,
 * the POP3 default) and getmail6 (leaves mail on the server and remembers what it has by UIDL).
 * Both must undo the dot-stuffing of a line that starts with a dot.
 */
class LocalPop3RealClientsTest {
  /** Bound on one client run; a run normally takes well under a second. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  static LocalPop3Fixture fx;
  static int pop3s;

  @TempDir Path dir;

  private record Run(int exit, String output) {}

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    pop3s = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.IMPLICIT);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void fetchmailDownloadsEveryMessageOverPop3sAndDeletesThem() throws Exception {
    String user = fx.user("fetchmail", LocalPop3ClientsTest.M1, LocalPop3ClientsTest.M2);
    Path mbox = dir.resolve("mbox");
    Path rc = dir.resolve("fetchmailrc");
    Files.writeString(rc, """
        set no bouncemail
        poll localhost port %d protocol pop3 timeout 30
          user "%s" password "%s"
          ssl sslcertck sslcertfile "%s"
          mda "/bin/sh -c 'cat >> %s'"
        """.formatted(pop3s, user, LocalPop3Fixture.PASSWORD, fx.caFile, mbox));
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));

    Run run = run(List.of("fetchmail", "-f", rc.toString(), "-v"), Map.of("FETCHMAILHOME", dir.toString()));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("2 messages for " + user);
    String got = Files.readString(mbox);
    assertThat(got).contains("Subject: hello", "Hello there.", "Subject: second");
    assertThat(got.lines()).contains(".starts with a dot").doesNotContain("..starts with a dot");
    assertThat(fx.messageCount(user)).isZero();
  }

  @Test
  void getmailLeavesMailOnTheServerAndSkipsWhatItHasOnTheNextRun() throws Exception {
    String user = fx.user("getmail", LocalPop3ClientsTest.M1, LocalPop3ClientsTest.M2);
    Path mbox = dir.resolve("mbox");
    Path rc = dir.resolve("getmailrc");
    Files.writeString(rc, """
        [retriever]
        type = SimplePOP3SSLRetriever
        server = localhost
        port = %d
        username = %s
        password = %s
        ca_certs = %s

        [destination]
        type = MDA_external
        path = /bin/sh
        arguments = ("-c", "cat >> %s")
        allow_root_commands = true

        [options]
        read_all = false
        delete = false
        """.formatted(pop3s, user, LocalPop3Fixture.PASSWORD, fx.caFile, mbox));
    List<String> getmail = List.of("getmail", "--getmaildir", dir.toString(), "--rcfile", rc.toString());

    Run first = run(getmail, Map.of());
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("2 messages (");
    String got = Files.readString(mbox);
    assertThat(got).contains("Subject: hello", "Hello there.", "Subject: second");
    assertThat(got.lines()).contains(".starts with a dot").doesNotContain("..starts with a dot");

    fx.append(user, "From: d@example.org\r\nSubject: third\r\n\r\nnew\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Run second = run(getmail, Map.of());
    assertThat(second.exit()).as(second.output()).isZero();
    assertThat(second.output()).contains("1 messages (", "2 skipped");
    assertThat(Files.readString(mbox)).contains("Subject: third");
    assertThat(fx.messageCount(user)).isEqualTo(3);
  }

  private Run run(List<String> command, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(dir, "client", ".out");
    ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command.get(0) + " did not finish within " + CLIENT_TIMEOUT + ": "
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }
}

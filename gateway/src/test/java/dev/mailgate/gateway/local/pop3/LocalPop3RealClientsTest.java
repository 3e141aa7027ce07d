package dev.mailgate.gateway.local.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.interop.Pop3Retrievers;
import dev.mailgate.gateway.net.TlsMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  static LocalPop3Fixture fx;
  static int pop3s;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    pop3s = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.IMPLICIT);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  private Pop3Retrievers.Account account(String user) {
    return new Pop3Retrievers.Account("localhost", pop3s, user, LocalPop3Fixture.PASSWORD, fx.caFile);
  }

  @Test
  void fetchmailDownloadsEveryMessageOverPop3sAndDeletesThem() throws Exception {
    String user = fx.user("fetchmail", LocalPop3ClientsTest.M1, LocalPop3ClientsTest.M2);
    Path mbox = dir.resolve("mbox");

    Pop3Retrievers.Run run = new Pop3Retrievers(dir).fetchmail(account(user), mbox, false);

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("2 messages for " + user);
    assertBothMessages(mbox);
    assertThat(fx.messageCount(user)).isZero();
  }

  @Test
  void getmailLeavesMailOnTheServerAndSkipsWhatItHasOnTheNextRun() throws Exception {
    String user = fx.user("getmail", LocalPop3ClientsTest.M1, LocalPop3ClientsTest.M2);
    Path mbox = dir.resolve("mbox");
    Pop3Retrievers getmail = new Pop3Retrievers(dir);

    Pop3Retrievers.Run first = getmail.getmail(account(user), mbox, false);
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(first.output()).contains("2 messages (");
    assertBothMessages(mbox);

    fx.append(user, "From: d@example.org\r\nSubject: third\r\n\r\nnew\r\n".getBytes(StandardCharsets.ISO_8859_1));
    Pop3Retrievers.Run second = getmail.getmail(account(user), mbox, false);
    assertThat(second.exit()).as(second.output()).isZero();
    assertThat(second.output()).contains("1 messages (", "2 skipped");
    assertThat(Files.readString(mbox)).contains("Subject: third");
    assertThat(fx.messageCount(user)).isEqualTo(3);
  }

  private static void assertBothMessages(Path mbox) throws Exception {
    String got = Files.readString(mbox);
    assertThat(got).contains("Subject: hello", "Hello there.", "Subject: second");
    assertThat(got.lines()).contains(".starts with a dot").doesNotContain("..starts with a dot");
  }
}

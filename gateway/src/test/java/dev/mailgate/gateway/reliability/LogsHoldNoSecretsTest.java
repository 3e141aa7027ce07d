package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.interop.MailServers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No password in any log: logins with the suite's passwords (right and wrong, in every form a
 * client sends them: LOGIN arguments, USER/PASS, AUTH PLAIN and LOGIN in base64, on every protocol)
 * go through the running gateway, then every text file the test run left under {@code target/} is
 * searched for them and for the interop harness's passwords: the suite's own full log ({@link SuiteLog}, mailgate loggers at DEBUG), surefire's
 * reports and captured output, reliability rows. Classes that ran earlier in this JVM contribute
 * their logs too; this class's own traffic guarantees there is something to search.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class LogsHoldNoSecretsTest {
  private static final Set<String> TEXT = Set.of(".log", ".txt", ".xml", ".tsv", ".json", ".out", ".md", ".dump", ".dumpstream");
  private final RunningGateway gw;

  LogsHoldNoSecretsTest(RunningGateway gw) {
    this.gw = gw;
  }

  @Test
  @Case(on = "every protocol; all logs under target/", input = "logins with the test passwords (right and wrong, plain and base64)",
      expect = "no file under target/ holds a password, its base64 or an AUTH PLAIN payload; the suite log holds this test's sessions")
  void noTestPasswordAppearsInAnyLogOfTheTestRun(Observed seen) throws IOException {
    loginEverywhere();
    List<String> secrets = new ArrayList<>();
    for (String pw : List.of(RunningGateway.PASSWORD, RunningGateway.WRONG_PASSWORD)) {
      secrets.add(pw);
      secrets.add(b64(pw));
      secrets.add(b64("\0" + RunningGateway.USER + "\0" + pw));
    }
    // the interop harness's users log in through the proxy tier (ProxyTierBadInputTest and others)
    for (MailServers.User u : MailServers.USERS) {
      secrets.add(u.password());
      secrets.add(b64("\0" + u.address() + "\0" + u.password()));
    }
    Path target = Path.of("target");
    List<Path> files;
    try (Stream<Path> all = Files.walk(target)) {
      files = all.filter(Files::isRegularFile).filter(LogsHoldNoSecretsTest::isText).toList();
    }
    List<String> leaks = new ArrayList<>();
    long bytes = 0;
    for (Path f : files) {
      String text = read(f);
      bytes += text.length();
      for (String s : secrets) {
        if (text.contains(s)) {
          leaks.add(f + " holds secret #" + secrets.indexOf(s));
        }
      }
    }
    String suiteLog = Files.readString(SuiteLog.FILE, StandardCharsets.UTF_8);
    seen.saw(files.size() + " files, " + bytes / 1024 + " KB searched; suite log " + suiteLog.length() / 1024 + " KB");
    assertThat(suiteLog).as("the suite log saw this test's sessions").contains("on pop3s from /127.0.0.1");
    assertThat(leaks).isEmpty();
  }

  private static boolean isText(Path p) {
    String n = p.getFileName().toString();
    if (p.toString().contains("classes")) {
      return false; // compiled test sources hold the passwords as constants, by design
    }
    return TEXT.stream().anyMatch(n::endsWith);
  }

  /** At most the first 64 MB of a file, as ISO-8859-1 (every byte one char). */
  private static String read(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return new String(in.readNBytes(64 << 20), StandardCharsets.ISO_8859_1);
    }
  }

  private void loginEverywhere() {
    String user = RunningGateway.USER;
    for (String pw : List.of(RunningGateway.WRONG_PASSWORD, RunningGateway.PASSWORD)) {
      try (Wire w = Wire.connect(gw.port("submission"))) {
        w.expectReply("220 .*");
        w.line("EHLO client.test").expectReply("250.*");
        w.line("AUTH PLAIN " + b64("\0" + user + "\0" + pw)).expectReply("(235|535) .*");
      }
      try (Wire w = Wire.implicitTls(gw.port("smtps"))) {
        w.expectReply("220 .*");
        w.line("EHLO client.test").expectReply("250.*");
        w.line("AUTH LOGIN").expectReply("334 .*");
        w.line(b64(user)).expectReply("334 .*");
        w.line(b64(pw)).expectReply("(235|535) .*");
      }
      try (Wire w = Wire.connect(gw.port("pop3"))) {
        w.expect("\\+OK.*");
        w.line("USER " + user).expect("\\+OK.*");
        w.line("PASS " + pw).expect("(\\+OK|-ERR).*");
        w.line("QUIT").expect("\\+OK.*");
      }
      try (Wire w = Wire.implicitTls(gw.port("pop3s"))) {
        w.expect("\\+OK.*");
        w.line("AUTH PLAIN " + b64("\0" + user + "\0" + pw)).expect("(\\+OK|-ERR).*");
        w.line("QUIT").expect("\\+OK.*");
      }
      try (Wire w = Wire.implicitTls(gw.port("imaps"))) {
        w.expect("\\* OK.*");
        w.line("a LOGIN " + user + " " + pw).expectEventually("a (OK|NO).*", 5);
        w.line("b LOGOUT");
      }
      try (Wire w = Wire.implicitTls(gw.port("imaps"))) {
        w.expect("\\* OK.*");
        w.line("a AUTHENTICATE PLAIN " + b64("\0" + user + "\0" + pw)).expectEventually("a (OK|NO).*", 5);
        w.line("b LOGOUT");
      }
      // a password where a command belongs: the error path must not echo it either
      try (Wire w = Wire.connect(gw.port("smtp"))) {
        w.expectReply("220 .*");
        w.line(pw).expectReply("500 .*");
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.PolicyFixture;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.ConnectionLimit;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import dev.mailgate.policy.limit.RateLimitRule;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies of SMTP sessions over real sockets (a plaintext submission listener on loopback,
 * where AUTH is allowed): AUTH throttling, messages, recipients and bytes per interval per user,
 * the policy's maximum message size, recipients per message, sender ownership, per-user sessions
 * and commands per interval; one command at a time and pipelined. Each test has its own listener
 * and engine.
 */
class SmtpPolicyTest {
  @TempDir static Path dir;
  static SmtpTestServer server;
  static final AtomicInteger LISTENERS = new AtomicInteger();
  static final String MESSAGE = "Subject: policy\r\n\r\nsixty bytes of text, more or less, in this body\r\n";

  PolicyFixture f;

  @BeforeAll
  static void start() throws Exception {
    server = SmtpTestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
  }

  static PolicySettings settings(List<ConnectionLimit> limits, List<RateLimitRule> rates,
      MessageLimits messages) {
    return new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, limits, rates,
        PolicyFixture.AUTH, messages, true, Map.of());
  }

  static PolicySettings rates(RateLimitRule... rules) {
    return settings(List.of(), List.of(rules), MessageLimits.DEFAULT);
  }

  static RateLimitRule perUser(String name, Counter counter, long permits) {
    return new RateLimitRule(name, counter, KeyScope.USER, new Rate(permits, Duration.ofHours(1)));
  }

  int listener(PolicySettings settings) {
    f = new PolicyFixture(settings);
    ListenerSpec spec = ListenerSpec.of("sub-policy-" + LISTENERS.incrementAndGet(),
        Protocol.SUBMISSION, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    return server.listener(spec, SmtpServerSettings.defaults(SmtpTestServer.HOST), f.gate).port();
  }

  static SmtpWire ehlo(int port) throws Exception {
    SmtpWire w = new SmtpWire(port);
    w.expect("220 .*");
    w.send("EHLO client.example\r\n").expect("250-.*AUTH PLAIN LOGIN");
    return w;
  }

  static SmtpWire authed(int port) throws Exception {
    SmtpWire w = ehlo(port);
    w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
        .expect("235 2\\.7\\.0 .*");
    return w;
  }

  static void deliver(SmtpWire w) throws Exception {
    w.send("MAIL FROM:<alice@example.test>\r\n").expect("250 .*");
    w.send("RCPT TO:<bob@example.test>\r\n").expect("250 .*");
    w.send("DATA\r\n").expect("354 .*");
  }

  @Test
  void identicalAuthFailuresCountOnceSoTheOwnerStillLogsIn() throws Exception {
    int port = listener(rates());
    try (SmtpWire w = ehlo(port)) {
      String old = "AUTH PLAIN " + b64("\0alice@example.test\0old password") + "\r\n";
      w.send(old).expect("535 5\\.7\\.8 .*");
      for (int i = 1; i <= 3; i++) {
        w.send(old);
        f.releaseDelay(i);
        w.expect("535 5\\.7\\.8 .*");
      }
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n");
      f.releaseDelay(4);
      w.expect("235 2\\.7\\.0 .*");
    }
  }

  /**
   * RFC 4954 section 4's empty initial response ({@code =}) to PLAIN decodes but carries no
   * credentials: 535 5.7.8, as Postfix with Dovecot SASL answers (501 is for a response that is
   * not base64), and a failed login for the throttle, so the next AUTH waits its delay.
   */
  @Test
  void anEmptyPlainInitialResponseIs535AndTheNextAuthWaitsItsDelay() throws Exception {
    int port = listener(rates());
    try (SmtpWire w = ehlo(port)) {
      w.send("AUTH PLAIN =\r\n").expect("535 5\\.7\\.8 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n");
      f.releaseDelay(1);
      w.expect("235 2\\.7\\.0 .*");
    }
  }

  @Test
  void distinctAuthFailuresLockThePairOutWith535EvenForTheRightPassword() throws Exception {
    int port = listener(rates());
    try (SmtpWire w = ehlo(port)) {
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0guess1") + "\r\n").expect("535 .*");
      w.send("AUTH LOGIN " + b64("alice@example.test") + "\r\n").expect("334 .*");
      w.send(b64("guess2") + "\r\n");
      f.releaseDelay(1);
      w.expect("535 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0guess3") + "\r\n");
      f.releaseDelay(2);
      w.expect("535 .*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("535 5\\.7\\.8 .*");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isEqualTo(1);
  }

  @Test
  void messagesPerUserOverTheRateGet451PipelinedInOneWrite() throws Exception {
    int port = listener(rates(perUser("messages-per-user", Counter.MESSAGES, 2)));
    try (SmtpWire w = authed(port)) {
      String mail = "MAIL FROM:<alice@example.test>\r\nRSET\r\n";
      w.send(mail + mail + mail);
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.0\\.0 .*");
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.0\\.0 .*");
      w.expect("451 4\\.7\\.1 .*");
      w.expect("250 2\\.0\\.0 .*");
      w.send("NOOP\r\n").expect("250 .*"); // the session goes on
    }
    assertThat(f.refusals("messages-per-user")).isEqualTo(1);
  }

  @Test
  void recipientsPerUserOverTheRateGet451OneAtATime() throws Exception {
    int port = listener(rates(perUser("recipients-per-user", Counter.RECIPIENTS, 2)));
    try (SmtpWire w = authed(port)) {
      w.send("MAIL FROM:<alice@example.test>\r\n").expect("250 .*");
      w.send("RCPT TO:<bob@example.test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("RCPT TO:<alice@example.test>\r\n").expect("250 2\\.1\\.5 .*");
      w.send("RCPT TO:<tiny@example.test>\r\n").expect("451 4\\.7\\.1 .*");
      f.advance(Duration.ofHours(1)); // the user's next window (resilience4j counts per period)
      w.send("RCPT TO:<tiny@example.test>\r\n").expect("250 2\\.1\\.5 .*");
    }
  }

  @Test
  void recipientsPerMessageOverThePolicyGet452PipelinedAndTheRestAreKept() throws Exception {
    int port = listener(settings(List.of(), List.of(),
        new MessageLimits(50L << 20, 2, true, Map.of())));
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = authed(port)) {
      w.send("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
          + "RCPT TO:<alice@example.test>\r\nRCPT TO:<tiny@example.test>\r\nDATA\r\n");
      w.expect("250 2\\.1\\.0 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("250 2\\.1\\.5 .*");
      w.expect("452 4\\.5\\.3 .*");
      w.expect("354 .*");
      w.send(MESSAGE + ".\r\n").expect("250 2\\.0\\.0 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob + 1);
    assertThat(f.refusals(PolicyEngine.MAX_RECIPIENTS)).isEqualTo(1);
  }

  @Test
  void thePolicySizeIsAdvertisedInEhloAndEnforcedAtMailAndAtData() throws Exception {
    int port = listener(settings(List.of(), List.of(),
        new MessageLimits(40, 100, true, Map.of())));
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = new SmtpWire(port)) {
      w.expect("220 .*");
      w.send("EHLO client.example\r\n").expect("250-.*\n250-SIZE 40\n.*");
      w.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD) + "\r\n")
          .expect("235 .*");
      w.send("MAIL FROM:<alice@example.test> SIZE=41\r\n").expect("552 5\\.3\\.4 .*");
      deliver(w);
      w.send(MESSAGE + ".\r\n").expect("552 5\\.3\\.4 .*");
      w.send("NOOP\r\n").expect("250 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob);
  }

  @Test
  void bytesPerUserOverTheRateRefuseAtTheEndOfDataAndTheMessageIsNotStored() throws Exception {
    int port = listener(rates(perUser("bytes-per-user", Counter.BYTES, MESSAGE.length() + 10)));
    int bob = server.messages("bob@example.test").size();
    try (SmtpWire w = authed(port)) {
      deliver(w);
      w.send(MESSAGE + ".\r\n").expect("250 2\\.0\\.0 .*");
      deliver(w);
      w.send(MESSAGE + ".\r\n").expect("451 4\\.7\\.1 .*");
      w.send("NOOP\r\n").expect("250 .*");
    }
    assertThat(server.messages("bob@example.test")).hasSize(bob + 1);
    assertThat(f.refusals("bytes-per-user")).isEqualTo(1);
  }

  @Test
  void theSenderMustBeTheUserAStoreAliasOrAConfiguredAlias() throws Exception {
    int port = listener(settings(List.of(), List.of(), new MessageLimits(50L << 20, 100, true,
        Map.of("alice@example.test", Set.of("boss@elsewhere.example")))));
    try (SmtpWire w = authed(port)) {
      w.send("MAIL FROM:<alice@example.test>\r\nRSET\r\nMAIL FROM:<al@example.org>\r\nRSET\r\n"
          + "MAIL FROM:<boss@elsewhere.example>\r\nRSET\r\nMAIL FROM:<bob@example.test>\r\n");
      for (int i = 0; i < 3; i++) {
        w.expect("250 2\\.1\\.0 .*");
        w.expect("250 2\\.0\\.0 .*");
      }
      w.expect("553 5\\.7\\.1 .*");
    }
    assertThat(f.refusals(PolicyEngine.SENDER_MUST_MATCH_USER)).isEqualTo(1);
  }

  @Test
  void withSenderMatchingOffAnAuthenticatedUserMaySendAsAnyone() throws Exception {
    int port = listener(settings(List.of(), List.of(),
        new MessageLimits(50L << 20, 100, false, Map.of())));
    try (SmtpWire w = authed(port)) {
      w.send("MAIL FROM:<bob@example.test>\r\n").expect("250 2\\.1\\.0 .*");
    }
  }

  @Test
  void aSecondSessionOverThePerUserLimitGets421AndIsClosed() throws Exception {
    int port = listener(settings(List.of(new ConnectionLimit("one-per-user", KeyScope.USER, 1)),
        List.of(), MessageLimits.DEFAULT));
    try (SmtpWire first = authed(port); SmtpWire second = ehlo(port)) {
      second.send("AUTH PLAIN " + b64("\0alice@example.test\0" + SmtpTestServer.ALICE_PASSWORD)
          + "\r\n").expect("421 4\\.7\\.0 .*");
      assertThat(second.closedByServer()).isTrue();
      first.send("NOOP\r\n").expect("250 .*");
    }
    assertThat(f.refusals("one-per-user")).isEqualTo(1);
  }

  @Test
  void commandsPerAddressOverTheRateGet451AndTheSessionGoesOnLater() throws Exception {
    int port = listener(rates(new RateLimitRule("commands-per-ip", Counter.COMMANDS, KeyScope.IP,
        new Rate(3, Duration.ofHours(1)))));
    try (SmtpWire w = ehlo(port)) {
      w.send("NOOP\r\nNOOP\r\nNOOP\r\n");
      w.expect("250 .*");
      w.expect("250 .*");
      w.expect("451 4\\.7\\.1 .*");
      f.advance(Duration.ofHours(1)); // the address's next window
      w.send("NOOP\r\n").expect("250 .*");
    }
  }
}

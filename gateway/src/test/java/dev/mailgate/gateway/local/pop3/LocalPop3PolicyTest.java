package dev.mailgate.gateway.local.pop3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.policy.LineClient;
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
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication throttling in the POP3 AUTHORIZATION state (USER/PASS and AUTH PLAIN) of the
 * local tier, over real sockets, one command at a time and pipelined; delays on virtual time.
 */
class LocalPop3PolicyTest {
  static LocalPop3Fixture fx;
  PolicyFixture f;
  int port;
  String user;

  @BeforeAll
  static void startStore() throws Exception {
    fx = new LocalPop3Fixture();
  }

  @AfterAll
  static void stopStore() {
    fx.close();
  }

  @BeforeEach
  void startListener() {
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(), List.of(), PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of()));
    port = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS, f.gate);
    user = fx.user("pat", "Subject: one\r\n\r\nhello\r\n");
  }

  LineClient client(String from) throws Exception {
    LineClient c = new LineClient(from, port);
    assertThat(c.line()).startsWith("+OK");
    return c;
  }

  static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(UTF_8));
  }

  @Test
  void distinctFailuresLockTheUserOutFromThatAddressOnly() throws Exception {
    try (LineClient c = client("127.0.0.1")) {
      c.send("USER " + user + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      c.send("PASS guess1\r\n");
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      c.send("AUTH PLAIN " + plain(user, "guess2") + "\r\n");
      f.releaseDelay(1);
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      c.send("USER " + user + "\r\nPASS guess3\r\n");
      assertThat(c.line()).startsWith("+OK");
      f.releaseDelay(2);
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      c.send("USER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).as("locked out: answered like a wrong password")
          .isEqualTo("-ERR [AUTH] authentication failed");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isEqualTo(1);
    try (LineClient elsewhere = client("127.0.0.7")) {
      elsewhere.send("USER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\nSTAT\r\n");
      assertThat(elsewhere.line()).startsWith("+OK");
      f.releaseDelay(3);
      assertThat(elsewhere.line()).startsWith("+OK");
      assertThat(elsewhere.line()).isEqualTo("+OK 1 " + "Subject: one\r\n\r\nhello\r\n".length());
    }
  }

  /**
   * RFC 5034's empty initial response ({@code =}) to PLAIN decodes but carries no credentials:
   * {@code -ERR [AUTH]}, as Dovecot answers, and a failed login for the throttle, so the next
   * login waits its delay.
   */
  @Test
  void anEmptyPlainInitialResponseIsAnAuthFailureAndTheNextLoginWaitsItsDelay() throws Exception {
    try (LineClient c = client("127.0.0.1")) {
      c.send("AUTH PLAIN =\r\n");
      assertThat(c.line()).isEqualTo("-ERR [AUTH] authentication failed");
      c.send("AUTH PLAIN " + plain(user, LocalPop3Fixture.PASSWORD) + "\r\n");
      f.releaseDelay(1);
      assertThat(c.line()).startsWith("+OK");
    }
  }

  /**
   * An empty user name ({@code AUTH PLAIN} with an empty authentication identity; {@code USER}
   * with a name no user has, such as {@code ""}) is a failed login the throttle counts, as in
   * IMAP: the next login from that address waits its delay.
   */
  @Test
  void anEmptyUserNameIsAnAuthFailureAndTheNextLoginWaitsItsDelay() throws Exception {
    try (LineClient c = client("127.0.0.1")) {
      c.send("AUTH PLAIN " + plain("", "x") + "\r\n");
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      c.send("USER \"\"\r\nPASS x\r\n");
      assertThat(c.line()).startsWith("+OK");
      f.releaseDelay(1);
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      c.send("USER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      f.releaseDelay(2);
      assertThat(c.line()).startsWith("+OK");
    }
    assertThat(f.delayed()).isEqualTo(2);
  }

  @Test
  void pipelinedRetryAfterAFailureWaitsItsDelayThenLogsIn() throws Exception {
    try (LineClient c = client("127.0.0.1")) {
      c.send("USER " + user + "\r\nPASS wrong\r\nUSER " + user + "\r\nPASS "
          + LocalPop3Fixture.PASSWORD + "\r\nSTAT\r\n");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("-ERR [AUTH]");
      assertThat(c.line()).startsWith("+OK");
      f.releaseDelay(1);
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK 1 ");
    }
  }

  @Test
  void commandsOverTheRateGetSysTempBeforeAndAfterLoginOneAtATimeAndPipelinedButNeverQuit()
      throws Exception {
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(), List.of(new RateLimitRule("commands-per-ip", Counter.COMMANDS, KeyScope.IP,
            new Rate(3, Duration.ofHours(1)))), PolicyFixture.AUTH, MessageLimits.DEFAULT, true,
        Map.of()));
    port = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS, f.gate);
    try (LineClient c = client("127.0.0.1")) {
      c.send("NOOP\r\n");
      assertThat(c.line()).startsWith("+OK");
      c.send("USER " + user + "\r\n");
      assertThat(c.line()).startsWith("+OK");
      c.send("PASS " + LocalPop3Fixture.PASSWORD + "\r\n");
      assertThat(c.line()).startsWith("+OK maildrop");
      c.send("STAT\r\nNOOP\r\n");
      assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] too many commands, try again later");
      assertThat(c.line()).isEqualTo("-ERR [SYS/TEMP] too many commands, try again later");
      f.advance(Duration.ofHours(1)); // the key's next window: its three permits again
      c.send("STAT\r\nNOOP\r\nLIST 1\r\nNOOP\r\nQUIT\r\n");
      assertThat(c.line()).startsWith("+OK 1 ");
      assertThat(c.line()).startsWith("+OK");
      assertThat(c.line()).startsWith("+OK 1 ");
      assertThat(c.line()).startsWith("-ERR [SYS/TEMP]");
      assertThat(c.line()).as("QUIT is never refused").startsWith("+OK");
    }
    try (LineClient other = client("127.0.0.8")) {
      other.send("NOOP\r\nNOOP\r\nNOOP\r\nUSER " + user + "\r\nNOOP\r\n");
      for (int i = 0; i < 3; i++) {
        assertThat(other.line()).startsWith("+OK");
      }
      assertThat(other.line()).isEqualTo("-ERR [SYS/TEMP] too many commands, try again later");
      assertThat(other.line()).isEqualTo("-ERR [SYS/TEMP] too many commands, try again later");
    }
    assertThat(f.refusals("commands-per-ip")).isEqualTo(5);
  }

  @Test
  void aDomainOverItsConcurrentSessionLimitGetsInUseUntilTheFirstSessionEnds() throws Exception {
    // loopback is not exempted here, so the per-domain slot applies to these test clients
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(new ConnectionLimit("one-session-per-domain", KeyScope.DOMAIN, 1)), List.of(),
        PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of(), List.of()));
    port = fx.start(LocalPop3Settings.defaults("pop.example.org"), TlsMode.STARTTLS, f.gate);
    String colleague = fx.user("sam", "Subject: two\r\n\r\nhi\r\n");
    try (LineClient first = client("127.0.0.1"); LineClient second = client("127.0.0.2")) {
      first.send("USER " + user + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\n");
      assertThat(first.line()).startsWith("+OK");
      assertThat(first.line()).startsWith("+OK maildrop");
      second.send("USER " + colleague + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\n");
      assertThat(second.line()).startsWith("+OK");
      assertThat(second.line()).isEqualTo("-ERR [IN-USE] too many sessions, try again later");
      assertThat(f.refusals("one-session-per-domain")).isEqualTo(1);
      // the refusal gave the maildrop lock back: once the first session ends, the same
      // connection logs in and reads its mailbox
      first.send("QUIT\r\n");
      assertThat(first.line()).startsWith("+OK");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        second.send("USER " + colleague + "\r\nPASS " + LocalPop3Fixture.PASSWORD + "\r\n");
        assertThat(second.line()).startsWith("+OK");
        assertThat(second.line()).startsWith("+OK maildrop");
      });
      second.send("STAT\r\n");
      assertThat(second.line()).isEqualTo("+OK 1 " + "Subject: two\r\n\r\nhi\r\n".length());
    }
  }
}

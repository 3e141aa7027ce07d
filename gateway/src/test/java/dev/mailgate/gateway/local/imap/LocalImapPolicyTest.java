package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication throttling and per-user session limits in the local IMAP server's LOGIN and
 * AUTHENTICATE, over real sockets. Delays run on virtual time: a delayed login has no answer until
 * the test lets the delay pass, while other sessions are served.
 */
class LocalImapPolicyTest {
  @TempDir Path dir;
  LocalImapServer server;
  PolicyFixture f;

  void start(List<ConnectionLimit> limits) {
    start(limits, List.of());
  }

  void start(List<ConnectionLimit> limits, List<RateLimitRule> rates) {
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT, limits,
        rates, PolicyFixture.AUTH, MessageLimits.DEFAULT, true, Map.of()));
    server = LocalImapServer.start(dir, f.gate);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  LineClient client(String from) throws Exception {
    LineClient c = new LineClient(from, server.address().getPort());
    assertThat(c.line()).startsWith("* OK");
    return c;
  }

  static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(UTF_8));
  }

  @Test
  void aFailedLoginIsAnsweredAtOnceAndTheNextWaitsItsDelayWhileOtherSessionsAreServed()
      throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1"); LineClient other = client("127.0.0.5")) {
      c.send("a1 LOGIN alice wrong\r\n");
      assertThat(c.until("a1 .*")).isEqualTo("a1 NO [AUTHENTICATIONFAILED] Invalid credentials");
      c.send("a2 LOGIN alice secret\r\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> f.delayed() >= 1);
      other.send("b1 NOOP\r\n");
      assertThat(other.until("b1 .*")).startsWith("b1 OK");
      assertThat(c.nothingPending()).as("the delayed login is not answered yet").isTrue();
      f.delays.advanceTimeBy(PolicyFixture.AUTH.initialDelay());
      assertThat(c.until("a2 .*")).matches("a2 OK .*Logged in");
    }
  }

  /**
   * RFC 4959's empty initial response ({@code =}) to PLAIN carries no credentials: Dovecot answers
   * it {@code NO [AUTHENTICATIONFAILED]}, not {@code BAD}, and it is a guess like a wrong
   * password, so the next login from that address waits its delay. After the {@code +}, {@code =}
   * is not base64 (the empty response is an empty line there): {@code BAD}, as Dovecot's, and not
   * a login.
   */
  @Test
  void anEmptyPlainInitialResponseIsAFailedLoginAndTheNextWaitsItsDelay() throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 AUTHENTICATE PLAIN =\r\n");
      assertThat(c.until("a1 .*")).isEqualTo("a1 NO [AUTHENTICATIONFAILED] Invalid credentials");
      c.send("a2 AUTHENTICATE PLAIN\r\n");
      assertThat(c.until("\\+.*")).startsWith("+");
      c.send("=\r\n");
      assertThat(c.until("a2 .*")).isEqualTo("a2 BAD Invalid base64");
      c.send("a3 LOGIN alice secret\r\n");
      f.releaseDelay(1);
      assertThat(c.until("a3 .*")).matches("a3 OK .*Logged in");
    }
    assertThat(f.delayed()).as("one failure before a3, none counted for a2").isEqualTo(1);
  }

  /**
   * An empty login name ({@code LOGIN "" x}; a PLAIN message with an empty authentication
   * identity) or one too long to be a user's is a guess like a wrong password: it passes the login
   * throttle and counts as a failure there, so the next login from that address waits its delay
   * (it used to be answered without the throttle seeing it, so such guesses were never slowed).
   */
  @Test
  void anEmptyOrOverlongLoginNameIsAFailedLoginAndTheNextWaitsItsDelay() throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 LOGIN \"\" x\r\n");
      assertThat(c.until("a1 .*")).isEqualTo("a1 NO [AUTHENTICATIONFAILED] Invalid credentials");
      c.send("a2 AUTHENTICATE PLAIN " + plain("", "x") + "\r\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> f.delayed() >= 1);
      assertThat(c.nothingPending()).as("the second guess waits the first one's delay").isTrue();
      f.releaseDelay(1);
      assertThat(c.until("a2 .*")).isEqualTo("a2 NO [AUTHENTICATIONFAILED] Invalid credentials");
      c.send("a3 LOGIN " + "x".repeat(256) + " x\r\n");
      f.releaseDelay(2);
      assertThat(c.until("a3 .*")).isEqualTo("a3 NO [AUTHENTICATIONFAILED] Invalid credentials");
      c.send("a4 LOGIN alice secret\r\n");
      f.releaseDelay(3);
      assertThat(c.until("a4 .*")).matches("a4 OK .*Logged in");
    }
    assertThat(f.delayed()).as("a2, a3 and a4 each waited after a failure").isEqualTo(3);
  }

  @Test
  void pipelinedLoginsAreAnsweredInOrderWithTheDelayBetweenThem() throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 LOGIN alice wrong\r\na2 LOGIN alice secret\r\na3 NOOP\r\n");
      assertThat(c.until("a1 .*")).isEqualTo("a1 NO [AUTHENTICATIONFAILED] Invalid credentials");
      f.releaseDelay(1);
      assertThat(c.until("a2 .*")).matches("a2 OK .*Logged in");
      assertThat(c.until("a3 .*")).startsWith("a3 OK");
    }
  }

  @Test
  void distinctFailuresLockTheUserOutFromThatAddressOnlyEvenWithTheRightPassword()
      throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 LOGIN alice guess1\r\n");
      assertThat(c.until("a1 .*")).contains("NO [AUTHENTICATIONFAILED]");
      c.send("a2 AUTHENTICATE PLAIN " + plain("alice", "guess2") + "\r\n");
      f.releaseDelay(1);
      assertThat(c.until("a2 .*")).contains("NO [AUTHENTICATIONFAILED]");
      c.send("a3 LOGIN alice guess3\r\n");
      f.releaseDelay(2);
      assertThat(c.until("a3 .*")).contains("NO [AUTHENTICATIONFAILED]");
      c.send("a4 LOGIN alice secret\r\n");
      assertThat(c.until("a4 .*")).as("locked out: refused like a wrong password, unchecked")
          .isEqualTo("a4 NO [AUTHENTICATIONFAILED] Invalid credentials");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isEqualTo(1);
    try (LineClient elsewhere = client("127.0.0.6")) {
      elsewhere.send("b1 LOGIN alice secret\r\n");
      f.releaseDelay(3); // the user is slowed down everywhere, but not locked out
      assertThat(elsewhere.until("b1 .*")).matches("b1 OK .*Logged in");
    }
  }

  @Test
  void identicalRepeatedFailuresCountOnceSoAnOldPasswordDoesNotLockTheOwnerOut()
      throws Exception {
    start(List.of());
    try (LineClient c = client("127.0.0.1")) {
      c.send("a0 LOGIN alice old-password\r\n");
      assertThat(c.until("a0 .*")).contains("NO [AUTHENTICATIONFAILED]");
      for (int i = 1; i <= 4; i++) {
        c.send("a" + i + " LOGIN alice old-password\r\n");
        f.releaseDelay(i);
        assertThat(c.until("a" + i + " .*")).contains("NO [AUTHENTICATIONFAILED]");
      }
      c.send("a5 LOGIN alice secret\r\n");
      f.releaseDelay(5);
      assertThat(c.until("a5 .*")).matches("a5 OK .*Logged in");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isZero();
  }

  @Test
  void aSecondSessionOverThePerUserLimitGetsNoLimitUntilTheFirstEnds() throws Exception {
    start(List.of(new ConnectionLimit("one-per-user", KeyScope.USER, 1)));
    LineClient first = client("127.0.0.1");
    first.send("a1 LOGIN alice secret\r\n");
    assertThat(first.until("a1 .*")).matches("a1 OK .*Logged in");
    try (LineClient second = client("127.0.0.1")) {
      second.send("b1 LOGIN alice secret\r\n");
      assertThat(second.until("b1 .*")).isEqualTo("b1 NO [LIMIT] Too many logins, try again later");
      first.send("a2 LOGOUT\r\n");
      assertThat(first.closedByServer()).isFalse(); // the BYE line
      first.close();
      await().atMost(Duration.ofSeconds(20)).until(() -> f.engine.connections().keys() == 0);
      second.send("b2 LOGIN alice secret\r\n");
      assertThat(second.until("b2 .*")).matches("b2 OK .*Logged in");
    }
    assertThat(f.refusals("one-per-user")).isEqualTo(1);
  }

  static final RateLimitRule THREE_COMMANDS_AN_HOUR = new RateLimitRule("commands-per-ip",
      Counter.COMMANDS, KeyScope.IP, new Rate(3, Duration.ofHours(1)));

  @Test
  void commandsOverTheRateGetNoLimitBeforeAndAfterLoginOneAtATimeAndPipelined() throws Exception {
    start(List.of(), List.of(THREE_COMMANDS_AN_HOUR));
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 NOOP\r\na2 CAPABILITY\r\na3 NOOP\r\na4 LOGIN alice secret\r\n");
      assertThat(c.until("a1 .*")).startsWith("a1 OK");
      assertThat(c.until("a2 .*")).startsWith("a2 OK");
      assertThat(c.until("a3 .*")).startsWith("a3 OK");
      assertThat(c.until("a4 .*")).isEqualTo("a4 NO [LIMIT] Too many commands, try again later");
      f.advance(Duration.ofHours(1)); // the key's next window: its three permits again
      c.send("a5 LOGIN alice secret\r\n");
      assertThat(c.until("a5 .*")).matches("a5 OK .*Logged in");
      c.send("a6 IDLE\r\n");
      assertThat(c.until("\\+ .*")).startsWith("+");
      c.send("DONE\r\n"); // no command: one permit is left after LOGIN and IDLE
      assertThat(c.until("a6 .*")).startsWith("a6 OK");
      c.send("a7 NOOP\r\na8 NOOP\r\n");
      assertThat(c.until("a7 .*")).startsWith("a7 OK");
      assertThat(c.until("a8 .*")).isEqualTo("a8 NO [LIMIT] Too many commands, try again later");
    }
    assertThat(f.refusals("commands-per-ip")).isEqualTo(2);
  }

  @Test
  void anAuthenticateContinuationIsNoCommandAndLogoutIsNeverRefused() throws Exception {
    start(List.of(), List.of(THREE_COMMANDS_AN_HOUR));
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 AUTHENTICATE PLAIN\r\n");
      assertThat(c.until("\\+.*")).startsWith("+");
      c.send(plain("alice", "secret") + "\r\n");
      assertThat(c.until("a1 .*")).matches("a1 OK .*Logged in");
      c.send("a2 NOOP\r\na3 NOOP\r\na4 NOOP\r\na5 LOGOUT\r\n");
      assertThat(c.until("a2 .*")).startsWith("a2 OK");
      assertThat(c.until("a3 .*")).startsWith("a3 OK");
      assertThat(c.until("a4 .*")).startsWith("a4 NO [LIMIT]");
      assertThat(c.until("a5 .*")).startsWith("a5 OK");
    }
    assertThat(f.refusals("commands-per-ip")).isEqualTo(1);
  }

  /**
   * Parallel connections from one address, each parked on its delay, wake one after another:
   * the first failure that reaches lockout_after locks the pair, and the logins still waiting
   * are refused when their delay ends, without their passwords being checked.
   */
  @Test
  void loginsWaitingInParallelWhenTheLockoutComesAreRefusedWithoutAPasswordCheck()
      throws Exception {
    start(List.of());
    int parallel = 5;
    List<LineClient> clients = new java.util.ArrayList<>();
    try (LineClient c = client("127.0.0.1")) {
      c.send("a1 LOGIN alice guess1\r\n");
      assertThat(c.until("a1 .*")).contains("NO [AUTHENTICATIONFAILED]");
      c.send("a2 LOGIN alice guess2\r\n");
      f.releaseDelay(1);
      assertThat(c.until("a2 .*")).contains("NO [AUTHENTICATIONFAILED]");
      for (int i = 0; i < parallel; i++) {
        LineClient p = client("127.0.0.1");
        clients.add(p);
        p.send("p LOGIN alice parallel-guess-" + i + "\r\n");
        int parked = 2 + i;
        await().atMost(Duration.ofSeconds(20)).until(() -> f.delayed() >= parked);
        f.delays.advanceTimeBy(Duration.ofMillis(100)); // each wakes 100 ms after the one before
      }
      // the first parked login wakes, is checked and fails: the third failure locks the pair
      f.delays.advanceTimeBy(f.engine.authThrottle().delayFor(2).minusMillis(100L * parallel));
      assertThat(clients.get(0).until("p .*")).contains("NO [AUTHENTICATIONFAILED]");
      assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isZero();
      f.delays.advanceTimeBy(Duration.ofSeconds(1)); // the others wake after the lockout
      for (LineClient p : clients.subList(1, parallel)) {
        assertThat(p.until("p .*")).contains("NO [AUTHENTICATIONFAILED]");
      }
    } finally {
      for (LineClient p : clients) {
        p.close();
      }
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).as("refused unchecked after the lockout")
        .isEqualTo(parallel - 1);
  }
}

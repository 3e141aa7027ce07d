package dev.mailgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.proxy.imap.BackendChooser;
import dev.mailgate.gateway.proxy.imap.ClientConveyance;
import dev.mailgate.gateway.proxy.imap.ImapBackend;
import dev.mailgate.gateway.proxy.imap.ImapProxyHandler;
import dev.mailgate.gateway.proxy.imap.ImapProxySettings;
import dev.mailgate.gateway.tls.BackendTrust;
import dev.mailgate.gateway.tls.ClientTlsSpec;
import dev.mailgate.policy.PolicyEngine;
import dev.mailgate.policy.PolicySettings;
import dev.mailgate.policy.Rate;
import dev.mailgate.policy.limit.AuthThrottleSettings;
import dev.mailgate.policy.limit.Counter;
import dev.mailgate.policy.limit.KeyScope;
import dev.mailgate.policy.limit.RateLimitRule;
import dev.mailgate.policy.limit.MessageLimits;
import dev.mailgate.policy.limit.NetworkPrefixes;
import dev.mailgate.policy.limit.NetworkRules;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Authentication throttling on the IMAP proxy tier, in front of the interop harness's real
 * Dovecot: wrong passwords are Dovecot's answer, and the gateway delays the next login, locks the
 * (user, address) pair out after two distinct failures ({@link #AUTH}) without asking Dovecot, and lets the same user in from elsewhere, like the local tier does
 * (LocalImapPolicyTest, LocalPop3PolicyTest). One command at a time and pipelined; the gateway's
 * delays run on virtual time (Dovecot's own failure delay is real).
 *
 * <p>The client is conveyed to Dovecot by IMAP ID, and the clients come from addresses no other
 * test uses (127.0.4.x), so that Dovecot's own penalty for these failures (per client address, up
 * to 15 s) neither slows the login from elsewhere here nor other tests' logins through the same
 * Dovecot. Two failures lock out rather than three: Dovecot's penalty grows with each one.
 */
@ExtendWith(MailServersExtension.class)
class ImapProxyThrottleInteropTest {
  static final MailServers.User BOB = MailServers.BOB;
  /** {@link PolicyFixture#AUTH} with a lockout after two distinct failures. */
  static final AuthThrottleSettings AUTH = new AuthThrottleSettings(
      PolicyFixture.AUTH.initialDelay(), PolicyFixture.AUTH.maxDelay(), 2,
      PolicyFixture.AUTH.lockoutFor(), PolicyFixture.AUTH.forgetAfter());
  static Transport transport;
  static BackendConnector connector;
  ListenerRegistry registry;
  PolicyFixture f;
  int port;

  @BeforeAll
  static void startTransport() {
    transport = Transport.create("imap-proxy-throttle", 2);
    connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stopTransport() {
    transport.close();
  }

  @BeforeEach
  void startGateway(MailServers servers) throws Exception {
    startGateway(servers, List.of());
  }

  void startGateway(MailServers servers, List<RateLimitRule> rates) throws Exception {
    f = new PolicyFixture(new PolicySettings(NetworkRules.OPEN, NetworkPrefixes.DEFAULT,
        List.of(), rates, AUTH, MessageLimits.DEFAULT, true, Map.of()));
    Backend dovecot = connector.backend(
        BackendSpec.of("dovecot", "127.0.0.1", servers.imapPort(), BackendTlsMode.STARTTLS)
            .withTls(ClientTlsSpec.of(new BackendTrust.CaFile(servers.caFile()))));
    BackendChooser chooser = (user, client) ->
        Mono.just(List.of(ImapBackend.of(dovecot, ClientConveyance.IMAP_ID)));
    ImapProxyHandler handler = ImapProxyHandler.create(ImapProxySettings.defaults("gw.test"),
        chooser, connector, null, null);
    registry = new ListenerRegistry(transport);
    ListenerSpec spec = ListenerSpec.of("imap", Protocol.IMAP,
        new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    port = registry.start(spec, ListenerBinding.of(handler, null).withPolicies(f.gate))
        .block(Duration.ofSeconds(10)).port();
  }

  @AfterEach
  void stopGateway() {
    registry.close();
  }

  LineClient client(String from) throws Exception {
    LineClient c = new LineClient(from, port);
    assertThat(c.line()).startsWith("* OK");
    return c;
  }

  @Test
  void distinctWrongPasswordsAreDelayedThenLockTheUserOutFromThatAddressOnly() throws Exception {
    try (LineClient c = client("127.0.4.1")) {
      c.send("a LOGIN " + BOB.address() + " guess1\r\n");
      assertThat(c.until("a .*")).startsWith("a NO [AUTHENTICATIONFAILED]");
      c.send("b LOGIN " + BOB.address() + " guess2\r\n");
      f.releaseDelay(1);
      assertThat(c.until("b .*")).startsWith("b NO [AUTHENTICATIONFAILED]");
      c.send("d LOGIN " + BOB.address() + " " + BOB.password() + "\r\n");
      assertThat(c.until("d .*")).as("locked out: answered like a wrong password")
          .startsWith("d NO [AUTHENTICATIONFAILED]");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isEqualTo(1);
    try (LineClient elsewhere = client("127.0.4.2")) {
      elsewhere.send("e LOGIN " + BOB.address() + " " + BOB.password() + "\r\n");
      f.releaseDelay(2);
      assertThat(elsewhere.until("e .*")).startsWith("e OK");
      elsewhere.send("f SELECT INBOX\r\n");
      assertThat(elsewhere.until("f .*")).as("Dovecot's answer through the relay")
          .startsWith("f OK");
    }
  }

  @Test
  void aPipelinedRetryAfterAWrongPasswordWaitsItsDelayThenReachesDovecot() throws Exception {
    try (LineClient c = client("127.0.4.3")) {
      c.send("a LOGIN " + BOB.address() + " wrong\r\n"
          + "b LOGIN " + BOB.address() + " " + BOB.password() + "\r\n"
          + "c SELECT INBOX\r\n");
      assertThat(c.until("a .*")).startsWith("a NO [AUTHENTICATIONFAILED]");
      f.releaseDelay(1);
      assertThat(c.until("b .*")).startsWith("b OK");
      assertThat(c.until("c .*")).startsWith("c OK");
    }
    assertThat(f.refusals(PolicyEngine.AUTH_FAILURES)).isZero();
  }

  /**
   * Commands per interval before login are the gateway's ({@code NO [LIMIT]}, one at a time and
   * pipelined); after login the relay paces instead ({@link #commandsOverTheRateAfterLoginWaitForTheNextWindowOneAtATimeAndPipelined}).
   */
  @Test
  void commandsOverTheRateGetNoLimitBeforeLogin(MailServers servers) throws Exception {
    stopGateway();
    startGateway(servers, List.of(new RateLimitRule("commands-per-ip", Counter.COMMANDS,
        KeyScope.IP, new Rate(3, Duration.ofHours(1)))));
    try (LineClient c = client("127.0.4.9")) {
      c.send("a1 NOOP\r\na2 CAPABILITY\r\na3 NOOP\r\na4 LOGIN " + BOB.address() + " "
          + BOB.password() + "\r\n");
      assertThat(c.until("a1 .*")).startsWith("a1 OK");
      assertThat(c.until("a2 .*")).startsWith("a2 OK");
      assertThat(c.until("a3 .*")).startsWith("a3 OK");
      assertThat(c.until("a4 .*")).isEqualTo("a4 NO [LIMIT] Too many commands, try again later");
      c.send("a5 NOOP\r\n");
      assertThat(c.until("a5 .*")).isEqualTo("a5 NO [LIMIT] Too many commands, try again later");
      f.advance(Duration.ofHours(1)); // the key's next window: its three permits again
      c.send("a6 LOGIN " + BOB.address() + " " + BOB.password() + "\r\n");
      assertThat(c.until("a6 .*")).startsWith("a6 OK");
    }
    assertThat(f.refusals("commands-per-ip")).isEqualTo(2);
  }

  static final String PER_USER = "commands-per-user";
  static final Duration HOUR = Duration.ofHours(1);
  /** How long a paced reply is shown not to come (its wait is on virtual time: it cannot). */
  static final long SHORT_WAIT_MS = 500;

  /**
   * After login the session is a byte relay to Dovecot, and a user's commands over the rate wait
   * for the key's next window before reaching Dovecot (the relay cannot slot a refusal between
   * Dovecot's replies): the first three of a window are answered at once, the fourth only after
   * the window turned, one at a time and pipelined, every reply whole and in order. A literal's
   * lines are not commands; LOGOUT is never held back. Each wait is counted as a delay under the
   * rule's name; nothing is refused.
   */
  @Test
  void commandsOverTheRateAfterLoginWaitForTheNextWindowOneAtATimeAndPipelined(MailServers servers)
      throws Exception {
    stopGateway();
    startGateway(servers, List.of(new RateLimitRule(PER_USER, Counter.COMMANDS, KeyScope.USER,
        new Rate(3, HOUR))));
    try (LineClient c = client("127.0.4.11")) {
      // Before login there is no user: the per-user key does not count the login.
      c.send("a0 LOGIN " + BOB.address() + " " + BOB.password() + "\r\n");
      assertThat(c.until("a0 .*")).startsWith("a0 OK");
      for (String tag : List.of("a1", "a2", "a3")) {
        c.send(tag + " NOOP\r\n");
        assertThat(c.until(tag + " .*")).startsWith(tag + " OK");
      }
      c.send("a4 NOOP\r\n");
      Thread.sleep(SHORT_WAIT_MS);
      assertThat(c.nothingPending()).as("a4 waits for the next window").isTrue();
      f.releasePacedCommand(PER_USER, 1, HOUR);
      assertThat(c.until("a4 .*")).startsWith("a4 OK");

      // Pipelined, in one write: two permits are left in this window.
      c.send("b1 NOOP\r\nb2 SELECT INBOX\r\nb3 EXAMINE INBOX\r\nb4 NOOP\r\n");
      assertThat(c.until("b1 .*")).startsWith("b1 OK");
      assertThat(c.until("\\* .*EXISTS")).as("SELECT's data, before its completion").isNotNull();
      assertThat(c.until("b2 .*")).startsWith("b2 OK");
      Thread.sleep(SHORT_WAIT_MS);
      assertThat(c.nothingPending()).as("b3 waits for the next window").isTrue();
      f.releasePacedCommand(PER_USER, 2, HOUR);
      assertThat(c.until("\\* .*EXISTS")).as("EXAMINE's data, whole, before its completion")
          .isNotNull();
      assertThat(c.until("b3 .*")).startsWith("b3 OK");
      assertThat(c.until("b4 .*")).as("in order, in the same window").startsWith("b4 OK");

      // One permit left: an APPEND whose literal holds lines that look like commands is one
      // command (Dovecot reads the non-synchronising literal, then refuses the mailbox).
      String body = "c2 NOOP\r\nc3 NOOP\r\nc4 NOOP\r\n";
      c.send("c1 APPEND NoSuchMailbox {" + body.length() + "+}\r\n" + body + "\r\n");
      assertThat(c.until("c1 .*")).startsWith("c1 NO");
      c.send("c5 NOOP\r\n");
      Thread.sleep(SHORT_WAIT_MS);
      assertThat(c.nothingPending()).as("c5 is the window's fourth command").isTrue();
      // Leaving is never held back, not even behind a waiting command.
      c.send("c6 LOGOUT\r\n");
      Thread.sleep(SHORT_WAIT_MS);
      assertThat(c.nothingPending()).as("c6 comes after c5, in order").isTrue();
      f.releasePacedCommand(PER_USER, 3, HOUR);
      assertThat(c.until("c5 .*")).startsWith("c5 OK");
      assertThat(c.until("c6 .*")).startsWith("c6 OK");
    }
    assertThat(f.delays(PER_USER)).isEqualTo(3);
    assertThat(f.refusals(PER_USER)).isZero();
  }

  /** A rule that counts no commands leaves the relay a plain pipe: nothing waits, nothing counts. */
  @Test
  void withoutACommandsRuleTheRelayIsNotPaced(MailServers servers) throws Exception {
    stopGateway();
    startGateway(servers, List.of(new RateLimitRule("messages-per-user", Counter.MESSAGES,
        KeyScope.USER, new Rate(1, HOUR))));
    try (LineClient c = client("127.0.4.12")) {
      c.send("a0 LOGIN " + BOB.address() + " " + BOB.password() + "\r\n");
      assertThat(c.until("a0 .*")).startsWith("a0 OK");
      StringBuilder burst = new StringBuilder();
      for (int i = 1; i <= 20; i++) {
        burst.append("n").append(i).append(" NOOP\r\n");
      }
      c.send(burst.toString());
      for (int i = 1; i <= 20; i++) {
        assertThat(c.until("n" + i + " .*")).startsWith("n" + i + " OK");
      }
    }
    assertThat(f.delayed()).isZero();
  }
}

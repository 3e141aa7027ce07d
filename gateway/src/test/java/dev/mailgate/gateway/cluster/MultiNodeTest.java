package dev.mailgate.gateway.cluster;

import static dev.mailgate.gateway.cluster.ClusterNodes.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.postgres.PostgresServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway nodes (in this JVM, each its own app with its own listeners on 127.0.0.2, .3 and
 * .4, its own data directory and policy engine) sharing one PostgreSQL store and one Redis, as
 * behind an L4 balancer (docs/scale-out.md): rate and session limits hold in total, a lockout on one node holds on
 * the others, a delivery through one node reaches an IDLE session on another, and killing a node
 * (a fourth one, its own process, with SIGKILL) loses no acknowledged message.
 */
class MultiNodeTest {
  private static final int MESSAGES_PER_HOUR = 5;
  private static final int SESSIONS_PER_USER = 2;
  private static final String PW = "correct horse";
  private static final Map<String, String> USERS = new LinkedHashMap<>();

  static {
    for (String u : List.of("alice", "bob", "carol", "erin")) {
      USERS.put(u + "@example.test", PW);
    }
  }

  @TempDir static Path dir;
  private static PostgresServer pg;
  private static RedisServer redis;
  private static ClusterNodes nodes;
  private static final List<MailgateApp> apps = new ArrayList<>();
  private static RedisClient redisClient;
  private static StatefulRedisConnection<String, String> redisConn;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start();
    redis = RedisServer.start();
    nodes = new ClusterNodes(dir, pg.newDatabase(), redis.uri(), ""
        + "  rate_limits:\n"
        + "    - { name: messages-per-user, count: messages, per: user, rate: "
        + MESSAGES_PER_HOUR + "/hour }\n"
        + "  auth_failures: { initial_delay: 1ms, max_delay: 4ms, lockout_after: 3,"
        + " lockout_for: 15m }\n"
        + "  connection_limits:\n"
        + "    - { name: sessions-per-user, per: user, max: " + SESSIONS_PER_USER + " }\n");
    // the nodes start side by side (as they would on three machines)
    List<java.util.concurrent.CompletableFuture<MailgateApp>> starting = new ArrayList<>();
    for (int n = 2; n <= 4; n++) {
      int node = n;
      starting.add(java.util.concurrent.CompletableFuture.supplyAsync(
          () -> nodes.start(node, USERS)));
    }
    for (var s : starting) {
      apps.add(s.get(120, TimeUnit.SECONDS));
    }
    redisClient = RedisClient.create(redis.uri());
    redisConn = redisClient.connect();
    // every node has provisioned the users in the shared store once a delivery succeeds
    Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(imapSubjects(node(3), "erin@example.test")).isNotNull());
  }

  @AfterAll
  static void stop() throws Exception {
    if (redisConn != null) {
      redisConn.close();
      redisClient.shutdown();
    }
    apps.forEach(MailgateApp::close);
    if (redis != null) {
      redis.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static MailgateApp node(int n) {
    return apps.get(n - 2);
  }

  @Test
  void aPerUserMessageLimitHoldsInTotalAcrossNodesNotPerNode() throws Exception {
    int accepted = 0;
    List<String> refusals = new ArrayList<>();
    for (int i = 0; i < 3 * MESSAGES_PER_HOUR; i++) {
      MailgateApp via = node(2 + i % 3);
      try {
        submit(via, "alice@example.test", "alice@example.test", "limit " + i);
        accepted++;
      } catch (MessagingException e) {
        refusals.add(e.getMessage());
      }
    }
    assertThat(accepted).as("five per hour in total over three nodes").isEqualTo(MESSAGES_PER_HOUR);
    assertThat(refusals).hasSize(2 * MESSAGES_PER_HOUR)
        .allSatisfy(r -> assertThat(r).contains("4.7.1"));
    assertThat(imapSubjects(node(4), "alice@example.test")).hasSize(MESSAGES_PER_HOUR);
  }

  @Test
  void anAuthLockoutOnOneNodeAppliesOnTheOthers() {
    assertThat(imapLogin(node(3), "bob@example.test", PW)).as("bob may log in at first")
        .startsWith("a OK");
    for (int i = 1; i <= 3; i++) {
      assertThat(imapLogin(node(2), "bob@example.test", "guess " + i)).startsWith("a NO");
    }
    // the failures are recorded without waiting; the third one has locked the pair out in Redis
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        !redisConn.sync().keys("mailgate:auth:lock:bob@example.test|*").isEmpty());
    assertThat(imapLogin(node(3), "bob@example.test", PW)).as("locked out on node 3")
        .startsWith("a NO");
    assertThat(imapLogin(node(4), "bob@example.test", PW)).as("locked out on node 4")
        .startsWith("a NO");
    assertThat(imapLogin(node(4), "carol@example.test", PW)).as("other users are not")
        .startsWith("a OK");
  }

  @Test
  void aPerUserSessionLimitHoldsInTotalAcrossNodes() {
    InetSocketAddress[] imap = {address(node(2), "imap"), address(node(3), "imap"),
        address(node(4), "imap")};
    try (Transcript.Client first = Transcript.Client.connect(imap[0], Duration.ofSeconds(10));
        Transcript.Client second = Transcript.Client.connect(imap[1], Duration.ofSeconds(10))) {
      assertThat(login(first, "alice@example.test")).startsWith("a OK");
      assertThat(login(second, "alice@example.test")).startsWith("a OK");
      assertThat(imapLogin(node(4), "alice@example.test", PW))
          .as("a third session, on a third node").startsWith("a NO");
      assertThat(imapLogin(node(4), "erin@example.test", PW)).as("other users are not limited")
          .startsWith("a OK");
      first.send("z LOGOUT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      readUntil(first, l -> l.startsWith("z OK"), Duration.ofSeconds(10));
    }
    // the slot is given back when the session ends (on its node's event loop, after LOGOUT)
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        imapLogin(node(4), "alice@example.test", PW).startsWith("a OK"));
  }

  private static String login(Transcript.Client c, String user) {
    c.readLine();
    c.send(("a LOGIN " + user + " \"" + PW + "\"\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return readUntil(c, l -> l.startsWith("a "), Duration.ofSeconds(10));
  }

  @Test
  void aMessageDeliveredThroughNodeAIsSeenByAnIdleSessionOnNodeBWithinOneSecond() throws Exception {
    try (Transcript.Client imap = Transcript.Client.connect(address(node(3), "imap"),
        Duration.ofSeconds(10))) {
      imap.readLine(); // greeting
      imap.send("a LOGIN carol@example.test \"correct horse\"\r\nb SELECT INBOX\r\nc IDLE\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      readUntil(imap, l -> l.startsWith("+ "), Duration.ofSeconds(10));

      submit(node(2), "carol@example.test", "carol@example.test", "idle wake-up");
      // acknowledged (250) by node 2: node 3's IDLE session must hear of it within one second
      String exists = readUntil(imap, l -> l.matches("\\* \\d+ EXISTS"), Duration.ofSeconds(1));
      assertThat(exists).endsWith("EXISTS");
      imap.send("DONE\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      readUntil(imap, l -> l.startsWith("c OK"), Duration.ofSeconds(10));
    }
  }

  @Test
  void killingOneNodeProcessLosesNoAcknowledgedMessage() throws Exception {
    int smtp = FreePorts.one();
    Process victim = nodes.startProcess(5, Map.of("erin@example.test", PW), smtp,
        FreePorts.one(), FreePorts.one());
    InetSocketAddress mx = new InetSocketAddress("127.0.0.5", smtp);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger sequence = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            assertThat(victim.isAlive()).as("node 5 exited; see its log").isTrue();
            try (java.net.Socket probe = new java.net.Socket()) {
              probe.connect(mx, 1000);
              return true;
            } catch (java.io.IOException e) {
              return false;
            }
          });
      for (int t = 0; t < 4; t++) {
        senders.submit(() -> {
          for (;;) {
            String subject = "kill " + sequence.incrementAndGet();
            try {
              deliver(mx, "erin@example.test", subject);
              acknowledged.add(subject);
            } catch (MessagingException e) {
              return null; // the node is gone (or going): this message was not acknowledged
            }
          }
        });
      }
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 12);
      victim.destroyForcibly(); // SIGKILL, sessions mid-transaction included
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      victim.destroyForcibly();
      senders.shutdown();
      assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    Set<String> stored = new HashSet<>(imapSubjects(node(2), "erin@example.test"));
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(12);
    assertThat(stored).containsAll(acknowledged);
  }

  /** Sends over the submission listener with AUTH; throws when refused. */
  private static void submit(MailgateApp via, String user, String to, String subject)
      throws MessagingException {
    InetSocketAddress a = address(via, "submission");
    Properties p = new Properties();
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.timeout", "10000");
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.localhost", "client.test"); // no lookup of this host's name per message
    Session s = Session.getInstance(p);
    MimeMessage m = message(s, user, to, subject);
    try (Transport t = s.getTransport("smtp")) {
      t.connect(a.getHostString(), a.getPort(), user, PW);
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  /** Delivers over an MX listener without authentication; throws when not acknowledged. */
  private static void deliver(InetSocketAddress mx, String to, String subject)
      throws MessagingException {
    Properties p = new Properties();
    p.put("mail.smtp.host", mx.getHostString());
    p.put("mail.smtp.port", Integer.toString(mx.getPort()));
    p.put("mail.smtp.timeout", "10000");
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.localhost", "client.test"); // no lookup of this host's name per message
    Session s = Session.getInstance(p);
    Transport.send(message(s, "someone@elsewhere.test", to, subject));
  }

  private static MimeMessage message(Session s, String from, String to, String subject)
      throws MessagingException {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress(from));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject(subject);
    m.setText("body of " + subject + "\r\n");
    return m;
  }

  private static List<String> imapSubjects(MailgateApp via, String user) throws Exception {
    InetSocketAddress a = address(via, "imap");
    Properties p = new Properties();
    p.put("mail.imap.timeout", "10000");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect(a.getHostString(), a.getPort(), user, PW);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      List<String> subjects = new ArrayList<>();
      for (Message m : inbox.getMessages()) {
        subjects.add(m.getSubject());
      }
      inbox.close(false);
      return subjects;
    } finally {
      store.close();
    }
  }

  /** One IMAP LOGIN on a new connection; returns the tagged reply. */
  private static String imapLogin(MailgateApp via, String user, String password) {
    try (Transcript.Client c = Transcript.Client.connect(address(via, "imap"),
        Duration.ofSeconds(10))) {
      c.readLine();
      c.send(("a LOGIN " + user + " \"" + password + "\"\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return readUntil(c, l -> l.startsWith("a "), Duration.ofSeconds(10));
    }
  }

  /** Reads lines until one matches, failing when {@code within} has passed. */
  private static String readUntil(Transcript.Client c, java.util.function.Predicate<String> match,
      Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<String> seen = new ArrayList<>();
    for (;;) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching line within " + within + "; got " + seen);
      }
      c.timeout(Duration.ofNanos(Math.max(left, 1_000_000)));
      String line;
      try {
        line = c.readLine();
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof SocketTimeoutException) {
          throw new AssertionError("no matching line within " + within + "; got " + seen);
        }
        throw e;
      }
      if (line == null) {
        throw new AssertionError("connection closed; got " + seen);
      }
      seen.add(line);
      if (match.test(line)) {
        return line;
      }
    }
  }
}

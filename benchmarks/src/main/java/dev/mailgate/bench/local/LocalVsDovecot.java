package dev.mailgate.bench.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local tier against Dovecot under the same IMAP and POP3 load, as a ratio in one run (issue
 * 5). Both servers get the same users and messages (APPENDed over IMAP), then the same rounds from
 * one concurrent client per user:
 *
 * <ul>
 *   <li>IMAP: LOGIN, SELECT INBOX, FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (...)]),
 *       FETCH 1:* BODY.PEEK[], LOGOUT;
 *   <li>POP3: USER / PASS, STAT, RETR of every message, QUIT.
 * </ul>
 *
 * The servers take turns (local, Dovecot, local, ...) after a warm-up round each, and the report
 * gives sessions per second for each and the ratio local / Dovecot (above 1: the local tier is
 * faster). Client and local tier share this JVM; Dovecot runs as its own processes.
 *
 * <pre>
 * mvn -o -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.mailgate.bench.local.LocalVsDovecot [users] [messages] [rounds]
 * </pre>
 *
 * Needs root (Dovecot drops to its own users) and /usr/sbin/dovecot. {@code -Dbench.keep=true} keeps
 * the temp directory (Dovecot log, store) for a look afterwards.
 */
public final class LocalVsDovecot {
  private static final Logger LOG = LoggerFactory.getLogger(LocalVsDovecot.class);
  private static final String PASSWORD = "bench-Secret-1";

  private LocalVsDovecot() {}

  /** A server under test: its name and ports. */
  record Target(String name, int imapPort, int pop3Port) {}

  /** Seconds spent and sessions run for one protocol on one target. */
  static final class Tally {
    double seconds;
    long sessions;
    long bytes;

    double perSecond() {
      return sessions / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int userCount = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<String> users = new ArrayList<>();
    for (int i = 0; i < userCount; i++) {
      users.add("user" + i);
    }
    // Dovecot's auth and mail processes run as its own users: they must reach the users file.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "mg-bench",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    try (Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")), users, PASSWORD);
        LocalTier local = new LocalTier(Files.createDirectories(dir.resolve("local")), users, PASSWORD)) {
      List<Target> targets = List.of(new Target("local", local.imapPort, local.pop3Port),
          new Target("dovecot", dovecot.imapPort, dovecot.pop3Port));
      for (Target t : targets) {
        fill(t, users, messages);
      }
      ExecutorService pool = Executors.newFixedThreadPool(userCount);
      try {
        for (Target t : targets) {
          round(pool, t, users, messages, new Tally(), new Tally()); // warm-up
        }
        Tally[][] tallies = {{new Tally(), new Tally()}, {new Tally(), new Tally()}};
        for (int r = 0; r < rounds; r++) {
          for (int i = 0; i < targets.size(); i++) {
            round(pool, targets.get(i), users, messages, tallies[i][0], tallies[i][1]);
          }
        }
        report(userCount, messages, rounds, targets, tallies);
      } finally {
        pool.shutdownNow();
      }
    } finally {
      if (System.getProperty("bench.keep") == null) {
        deleteTree(dir);
      }
    }
  }

  private static void fill(Target t, List<String> users, int messages) throws IOException {
    for (String u : users) {
      try (MailClient c = new MailClient(t.imapPort())) {
        c.greeting();
        c.imap("LOGIN " + u + " " + PASSWORD);
        for (int i = 0; i < messages; i++) {
          c.append("INBOX", Messages.message(u, i));
        }
        c.imap("LOGOUT");
      }
    }
  }

  /** One IMAP round then one POP3 round: every user's client at once. */
  private static void round(ExecutorService pool, Target t, List<String> users, int messages,
      Tally imap, Tally pop3) throws Exception {
    run(pool, users, imap, u -> imapSession(t, u));
    run(pool, users, pop3, u -> pop3Session(t, u, messages));
  }

  interface Session {
    long run(String user) throws Exception;
  }

  private static void run(ExecutorService pool, List<String> users, Tally tally, Session s) throws Exception {
    long start = System.nanoTime();
    List<Future<Long>> done = new ArrayList<>();
    for (String u : users) {
      done.add(pool.submit(() -> s.run(u)));
    }
    for (Future<Long> f : done) {
      tally.bytes += f.get();
    }
    tally.seconds += (System.nanoTime() - start) / 1e9;
    tally.sessions += users.size();
  }

  private static long imapSession(Target t, String user) throws IOException {
    try (MailClient c = new MailClient(t.imapPort())) {
      c.greeting();
      c.imap("LOGIN " + user + " " + PASSWORD);
      c.imap("SELECT INBOX");
      c.imap("FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])");
      c.imap("FETCH 1:* BODY.PEEK[]");
      c.imap("LOGOUT");
      return c.received;
    }
  }

  private static long pop3Session(Target t, String user, int messages) throws IOException {
    try (MailClient c = new MailClient(t.pop3Port())) {
      c.greeting();
      c.pop3("USER " + user);
      c.pop3("PASS " + PASSWORD);
      c.pop3("STAT");
      for (int i = 1; i <= messages; i++) {
        c.pop3Multi("RETR " + i);
      }
      c.pop3("QUIT");
      return c.received;
    }
  }

  private static void report(int users, int messages, int rounds, List<Target> targets, Tally[][] t) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%nlocal tier vs Dovecot: %d users x %d messages, %d rounds, load average %s%n",
        users, messages, rounds, loadAverage()));
    String[] protocols = {"IMAP", "POP3"};
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < targets.size(); i++) {
        Tally x = t[i][p];
        sb.append(String.format(Locale.ROOT, "  %-4s %-8s %8.1f sessions/s  %8.1f MB/s  (%d sessions in %.2f s)%n",
            protocols[p], targets.get(i).name(), x.perSecond(), x.bytes / x.seconds / 1e6, x.sessions, x.seconds));
      }
      sb.append(String.format(Locale.ROOT, "  %-4s ratio local/dovecot: %.2f%n",
          protocols[p], t[0][p].perSecond() / t[1][p].perSecond()));
    }
    LOG.info(sb.toString());
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    }
  }

  /** The messages both servers get: plain text and multipart with an attachment, about 2-12 KB. */
  static final class Messages {
    private Messages() {}

    static byte[] message(String user, int i) {
      StringBuilder body = new StringBuilder();
      int lines = 20 + (i * 37) % 150;
      for (int l = 0; l < lines; l++) {
        body.append("Line ").append(l).append(" of message ").append(i).append(": the quick brown fox.\r\n");
      }
      String head = "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\nFrom: Sender " + i + " <s" + i
          + "@example.org>\r\nTo: " + user + "@example.org\r\nSubject: message " + i
          + "\r\nMessage-ID: <" + i + "." + user + "@example.org>\r\nMIME-Version: 1.0\r\n";
      String text = i % 3 != 0
          ? head + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body
          : head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
              + body + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n".repeat(20) + "--b--\r\n";
      return text.getBytes(StandardCharsets.US_ASCII);
    }
  }
}

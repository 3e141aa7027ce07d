package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The backend mailbox server: a private Dovecot (Debian's /usr/sbin/dovecot as root, config under
 * the run directory) on free loopback ports, with maildirs written before it starts.
 */
public final class Dovecot implements AutoCloseable {

  /** A user of the private Dovecot and the messages of their INBOX. */
  public record Mailbox(String address, String password, int messages, int messageSize) {}

  private final Path dir;
  private final Map<String, Integer> ports;
  private long pid;

  private Dovecot(Path dir, Map<String, Integer> ports) {
    this.dir = dir;
    this.ports = ports;
  }

  /** Writes the config and the maildirs, starts Dovecot and waits for its ports. */
  public static Dovecot start(Path dir, BenchPki pki, List<Mailbox> mailboxes, int maxConnections) throws Exception {
    Files.createDirectories(dir.resolve("state"));
    Map<String, Integer> ports = new HashMap<>();
    for (String name : List.of("IMAP", "IMAPS", "POP3", "POP3S")) {
      ports.put(name, Processes.freePort());
    }
    Dovecot d = new Dovecot(dir, Map.copyOf(ports));
    Map<String, String> vars = new HashMap<>();
    vars.put("BASE", dir.toString());
    vars.put("CERT", pki.certFile().toString());
    vars.put("KEY", pki.keyFile().toString());
    vars.put("PROCESSES", Integer.toString(maxConnections + 100));
    vars.put("CLIENTS", Integer.toString(maxConnections + 1000));
    vars.put("ANVIL_CLIENTS", Integer.toString(4 * maxConnections + 1000));
    ports.forEach((k, v) -> vars.put("PORT_" + k, Integer.toString(v)));
    StringBuilder users = new StringBuilder();
    for (Mailbox m : mailboxes) {
      users.append(m.address()).append(":{PLAIN}").append(m.password()).append("::::::\n");
      writeMaildir(dir.resolve("mail"), m);
    }
    Files.writeString(dir.resolve("users"), users.toString());
    chownTree(dir.resolve("mail"));
    Path conf = dir.resolve("dovecot.conf");
    Files.writeString(conf, Processes.render("dovecot.conf", vars));
    Processes.run(List.of("/usr/sbin/dovecot", "-c", conf.toString()), dir.resolve("dovecot-start.out"));
    d.pid = Processes.readPid(dir.resolve("run/master.pid"));
    try {
      for (int port : ports.values()) {
        Processes.awaitPort(port, Duration.ofSeconds(30));
      }
    } catch (IOException e) {
      d.close();
      throw e;
    }
    return d;
  }

  public int imapPort() { return ports.get("IMAP"); }

  public int imapsPort() { return ports.get("IMAPS"); }

  public int pop3Port() { return ports.get("POP3"); }

  public int pop3sPort() { return ports.get("POP3S"); }

  /** The master process; its children are the login, auth and mail processes. */
  public long pid() { return pid; }

  /**
   * The mail processes alive now: one {@code imap} or {@code pop3} process for each logged-in
   * session, whoever connected (a client directly or a proxy in front).
   */
  public long sessionProcesses() {
    return ProcessHandle.of(pid).stream()
        .flatMap(ProcessHandle::descendants)
        .filter(h -> h.info().command().map(c -> c.endsWith("/imap") || c.endsWith("/pop3")).orElse(false))
        .count();
  }

  @Override
  public void close() {
    if (pid > 0) {
      Processes.stop(pid); // SIGTERM: the master stops its children
      pid = 0;
    }
  }

  private static void writeMaildir(Path root, Mailbox m) throws IOException {
    String[] parts = m.address().split("@", 2);
    Path box = root.resolve(parts[1]).resolve(parts[0]);
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(box.resolve(sub));
    }
    for (int i = 1; i <= m.messages(); i++) {
      byte[] message = Messages.of(m.messageSize(), "sender@example.net", m.address(), i);
      // seen messages in cur/, with S= so Dovecot knows the size without a stat
      String name = (1_700_000_000L + i) + ".M" + i + "P1.bench,S=" + message.length + ":2,S";
      Files.write(box.resolve("cur").resolve(name), message);
    }
  }

  private static void chownTree(Path root) throws IOException {
    UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
    var user = lookup.lookupPrincipalByName("dovecot");
    var group = lookup.lookupPrincipalByGroupName("dovecot");
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
      }
    }
  }
}

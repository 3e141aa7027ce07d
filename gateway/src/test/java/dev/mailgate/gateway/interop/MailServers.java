package dev.mailgate.gateway.interop;

import dev.mailgate.gateway.testing.TempDirs;
import dev.mailgate.gateway.tls.CertificateSpec;
import dev.mailgate.gateway.tls.KeyPairs;
import dev.mailgate.gateway.tls.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private Dovecot (IMAP, POP3, LMTP, SASL auth) and Postfix (SMTP and submission, delivering to
 * that Dovecot over LMTP) on free loopback ports, from the templates in {@code
 * src/test/resources/interop/}, with every file under {@code target/interop/<pid>/}: configs, mail,
 * queue, logs ({@code dovecot.log}, {@code postfix.log}) and a test CA ({@code tls/ca.pem}) that
 * signed both servers' certificate for {@code localhost} and {@code 127.0.0.1}.
 *
 * <p>Runs the Debian binaries in /usr/sbin as root without touching /etc: {@code dovecot -c} and
 * {@code postfix -c} with their own config directories. Start once per JVM through {@link
 * MailServersExtension}.
 */
public final class MailServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MailServers.class);

  /** A test user of the private Dovecot. */
  public record User(String address, String password) {}

  public static final User ALICE = new User("alice@example.test", "alice-Secret-1");
  public static final User BOB = new User("bob@example.test", "bob-Secret-2");
  public static final List<User> USERS = List.of(ALICE, BOB);

  private final Path base;
  private final Map<String, Integer> ports;
  private final Path caFile;
  private boolean dovecotStarted;
  private boolean postfixStarted;

  private MailServers(Path base, Map<String, Integer> ports, Path caFile) {
    this.base = base;
    this.ports = ports;
    this.caFile = caFile;
  }

  /** Renders the configs, starts Dovecot then Postfix, and waits until their ports answer. */
  public static MailServers start() throws Exception {
    return start(Long.toString(ProcessHandle.current().pid()), true);
  }

  /**
   * Another Dovecot alone (no Postfix), with the same users and its own CA, ports and state under
   * {@code target/interop/PID-NAME}: for routing between several backends.
   */
  public static MailServers startDovecotOnly(String name) throws Exception {
    return start(ProcessHandle.current().pid() + "-" + name, false);
  }

  private static MailServers start(String directory, boolean withPostfix) throws Exception {
    Path base = Path.of("target", "interop", directory).toAbsolutePath();
    TempDirs.deleteTree(base);
    Files.createDirectories(base);
    TestPki pki = TestPki.create("mailgate interop CA");
    Path tlsDir = Files.createDirectories(base.resolve("tls"));
    CertificateSpec cert = pki.issue(tlsDir, "server", KeyPairs.Type.EC_P256, TestPki.KeyFormat.PKCS8, "localhost", "127.0.0.1");
    Path ca = pki.writeCa(tlsDir);
    Map<String, Integer> ports = new HashMap<>();
    // All held open until every port is chosen: closed one by one, the system may hand the same
    // port out twice (Dovecot then refused its config: "duplicate listener").
    List<ServerSocket> held = new java.util.ArrayList<>();
    try {
      for (String name : List.of("IMAP", "IMAPS", "IMAP_HAPROXY", "POP3", "POP3S", "POP3_HAPROXY", "LMTP", "AUTH", "SMTP", "SUBMISSION")) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports.put(name, s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    Map<String, String> vars = new HashMap<>();
    vars.put("BASE", base.toString());
    vars.put("CONF", base.resolve("postfix/conf").toString());
    vars.put("CERT", cert.certificateChain().toString());
    vars.put("KEY", cert.privateKey().toString());
    ports.forEach((k, v) -> vars.put("PORT_" + k, Integer.toString(v)));
    MailServers servers = new MailServers(base, Map.copyOf(ports), ca);
    try {
      servers.startDovecot(vars);
      if (withPostfix) {
        servers.startPostfix(vars);
      }
    } catch (Exception e) {
      servers.close();
      throw e;
    }
    return servers;
  }

  public int imapPort() { return ports.get("IMAP"); }

  public int imapsPort() { return ports.get("IMAPS"); }

  /** IMAP that expects a PROXY v1/v2 header first (Dovecot {@code haproxy = yes}). */
  public int imapHaproxyPort() { return ports.get("IMAP_HAPROXY"); }

  public int pop3Port() { return ports.get("POP3"); }

  public int pop3sPort() { return ports.get("POP3S"); }

  public int pop3HaproxyPort() { return ports.get("POP3_HAPROXY"); }

  public int lmtpPort() { return ports.get("LMTP"); }

  /** Postfix's port-25 style smtpd (STARTTLS offered, XCLIENT from loopback). */
  public int smtpPort() { return ports.get("SMTP"); }

  /** Postfix's submission smtpd (STARTTLS required, AUTH PLAIN/LOGIN through Dovecot). */
  public int submissionPort() { return ports.get("SUBMISSION"); }

  /** The CA that signed both servers' certificate (PEM). */
  public Path caFile() { return caFile; }

  public Path dovecotLog() { return base.resolve("dovecot/dovecot.log"); }

  public Path postfixLog() { return base.resolve("postfix/postfix.log"); }

  public Path baseDirectory() { return base; }

  private void startDovecot(Map<String, String> vars) throws Exception {
    Path dir = Files.createDirectories(base.resolve("dovecot"));
    Map<String, String> v = new HashMap<>(vars);
    v.put("BASE", dir.toString());
    Files.createDirectories(dir.resolve("state"));
    Path mail = Files.createDirectories(dir.resolve("mail"));
    chown(mail, "dovecot", "dovecot");
    StringBuilder users = new StringBuilder();
    for (User u : USERS) {
      users.append(u.address()).append(":{PLAIN}").append(u.password()).append("::::::\n");
    }
    Files.writeString(dir.resolve("users"), users.toString());
    Path conf = dir.resolve("dovecot.conf");
    Files.writeString(conf, render("dovecot.conf", v));
    run(List.of("/usr/sbin/dovecot", "-c", conf.toString()), dir.resolve("dovecot-start.out"));
    dovecotStarted = true;
    awaitPort(imapPort());
    awaitPort(pop3Port());
    awaitPort(lmtpPort());
    awaitPort(ports.get("AUTH"));
    LOG.info("interop: dovecot on imap {} imaps {} pop3 {} pop3s {} lmtp {} (log {})",
        imapPort(), imapsPort(), pop3Port(), pop3sPort(), lmtpPort(), dovecotLog());
  }

  private void startPostfix(Map<String, String> vars) throws Exception {
    Path dir = Files.createDirectories(base.resolve("postfix"));
    Map<String, String> v = new HashMap<>(vars);
    v.put("BASE", dir.toString());
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(dir.resolve("queue"));
    chown(Files.createDirectories(dir.resolve("data")), "postfix", "postfix");
    Files.writeString(conf.resolve("main.cf"), render("main.cf", v));
    Files.writeString(conf.resolve("master.cf"), render("master.cf", v));
    run(List.of("/usr/sbin/postfix", "-c", conf.toString(), "start"), dir.resolve("postfix-start.out"));
    postfixStarted = true;
    awaitPort(smtpPort());
    awaitPort(submissionPort());
    LOG.info("interop: postfix on smtp {} submission {} (log {})", smtpPort(), submissionPort(), postfixLog());
  }

  @Override
  public void close() throws Exception {
    if (postfixStarted) {
      run(List.of("/usr/sbin/postfix", "-c", base.resolve("postfix/conf").toString(), "stop"), base.resolve("postfix/postfix-stop.out"));
      postfixStarted = false;
    }
    if (dovecotStarted) {
      Path pidFile = base.resolve("dovecot/run/master.pid");
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
          p.destroy(); // SIGTERM: dovecot stops its children and exits
          p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
      }
      dovecotStarted = false;
    }
    LOG.info("interop: servers stopped");
  }

  private static String render(String template, Map<String, String> vars) throws IOException {
    try (InputStream in = MailServers.class.getResourceAsStream("/interop/" + template)) {
      if (in == null) {
        throw new IOException("missing template /interop/" + template);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : vars.entrySet()) {
        text = text.replace("@" + e.getKey() + "@", e.getValue());
      }
      if (text.matches("(?s).*@[A-Z_]+@.*")) {
        throw new IOException(template + ": unreplaced placeholder");
      }
      return text;
    }
  }

  private static void run(List<String> command, Path output) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IOException(command + " exited " + p.exitValue() + ": " + Files.readString(output));
    }
  }

  private static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("port " + port + " never opened", e);
        }
        Thread.sleep(50);
      }
    }
  }

  private static void chown(Path p, String user, String group) throws IOException {
    UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    view.setOwner(lookup.lookupPrincipalByName(user));
    GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
    view.setGroup(g);
  }
}

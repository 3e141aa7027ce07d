package dev.mailgate.bench.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Dovecot (IMAP and POP3 on free loopback ports, maildir, passwd-file users with PLAIN
 * passwords, no TLS) started from /usr/sbin/dovecot as root with its own config under a temp
 * directory, the way the gateway's interop harness runs it; never reads /etc/dovecot.
 */
final class Dovecot implements AutoCloseable {
  final int imapPort;
  final int pop3Port;
  private final Path dir;

  private Dovecot(Path dir, int imapPort, int pop3Port) {
    this.dir = dir;
    this.imapPort = imapPort;
    this.pop3Port = pop3Port;
  }

  static Dovecot start(Path dir, List<String> users, String password) throws Exception {
    int imap = freePort();
    int pop3 = freePort();
    Path mail = Files.createDirectories(dir.resolve("mail"));
    Files.createDirectories(dir.resolve("state"));
    chown(mail, "dovecot", "dovecot");
    StringBuilder passwd = new StringBuilder();
    for (String u : users) {
      passwd.append(u).append(":{PLAIN}").append(password).append("::::::\n");
    }
    Files.writeString(dir.resolve("users"), passwd);
    String conf = String.join("\n",
        "base_dir = " + dir.resolve("run"),
        "state_dir = " + dir.resolve("state"),
        "instance_name = mailgate-bench-" + imap,
        "log_path = " + dir.resolve("dovecot.log"),
        "protocols = imap pop3",
        "listen = 127.0.0.1",
        "ssl = no",
        "disable_plaintext_auth = no",
        "auth_mechanisms = plain login",
        "default_internal_user = dovecot",
        "default_login_user = dovenull",
        "first_valid_uid = 1",
        "mail_location = maildir:" + mail + "/%n",
        "passdb {", "  driver = passwd-file", "  args = scheme=PLAIN " + dir.resolve("users"), "}",
        "userdb {", "  driver = static",
        "  args = uid=dovecot gid=dovecot home=" + mail + "/%n", "}",
        "service imap-login {", "  inet_listener imap {", "    port = " + imap, "  }",
        "  inet_listener imaps {", "    port = 0", "  }", "}",
        "service pop3-login {", "  inet_listener pop3 {", "    port = " + pop3, "  }",
        "  inet_listener pop3s {", "    port = 0", "  }", "}",
        "");
    Path confFile = dir.resolve("dovecot.conf");
    Files.writeString(confFile, conf);
    Process p = new ProcessBuilder("/usr/sbin/dovecot", "-c", confFile.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("start.out").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("dovecot did not start: " + Files.readString(dir.resolve("start.out")));
    }
    Dovecot d = new Dovecot(dir, imap, pop3);
    awaitPort(imap);
    awaitPort(pop3);
    return d;
  }

  @Override
  public void close() throws Exception {
    Path pid = dir.resolve("run/master.pid");
    if (Files.exists(pid)) {
      long id = Long.parseLong(Files.readString(pid).trim());
      ProcessHandle.of(id).ifPresent(h -> {
        h.destroy(); // SIGTERM: the master stops its children and exits
        h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      });
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
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
    view.setGroup(lookup.lookupPrincipalByGroupName(group));
  }
}

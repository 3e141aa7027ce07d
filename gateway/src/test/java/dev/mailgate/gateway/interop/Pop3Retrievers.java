package dev.mailgate.gateway.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * fetchmail and getmail6 as processes over POP3S, each delivering what it retrieves by appending
 * to an mbox file through {@code /bin/sh}, with the server's certificate checked against a CA file
 * and the name {@code localhost}. Their rc files live in a working directory of the test's.
 */
public final class Pop3Retrievers {
  /** Bound on one client run; a run normally takes well under a second. */
  private static final long TIMEOUT_SECONDS = 60;

  /** What a run printed and how it exited. */
  public record Run(int exit, String output) {}

  /** One account on one POP3S port. */
  public record Account(String host, int port, String user, String password, Path caFile) {}

  private final Path work;

  public Pop3Retrievers(Path work) {
    this.work = work;
  }

  /**
   * fetchmail once; {@code keep} leaves the mail on the server, else it is deleted once delivered
   * (fetchmail's default). It matches the certificate by name only, never an IP address SAN, so it
   * is told to expect {@code localhost}.
   */
  public Run fetchmail(Account a, Path mbox, boolean keep) throws Exception {
    Path rc = work.resolve("fetchmailrc");
    Files.writeString(rc, """
        set no bouncemail
        poll %s port %d protocol pop3 timeout 30
          user "%s" password "%s"
          ssl sslcertck sslcertfile "%s" sslcommonname localhost %s
          mda "/bin/sh -c 'cat >> %s'"
        """.formatted(a.host(), a.port(), a.user(), a.password(), a.caFile(), keep ? "keep fetchall" : "", mbox));
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------")); // fetchmail insists
    ProcessBuilder b = new ProcessBuilder("fetchmail", "-v", "-f", rc.toString());
    b.environment().put("FETCHMAILHOME", work.toString()); // its lock file, not root's home
    return run(b);
  }

  /**
   * getmail6 once, leaving the mail on the server; {@code readAll} false retrieves only what its
   * UIDL record in the working directory says it has not seen.
   */
  public Run getmail(Account a, Path mbox, boolean readAll) throws Exception {
    Path rc = work.resolve("getmailrc");
    Files.writeString(rc, """
        [retriever]
        type = SimplePOP3SSLRetriever
        server = %s
        port = %d
        username = %s
        password = %s
        ca_certs = %s

        [destination]
        type = MDA_external
        path = /bin/sh
        arguments = ("-c", "cat >> %s")
        allow_root_commands = true

        [options]
        read_all = %s
        delete = false
        """.formatted(a.host(), a.port(), a.user(), a.password(), a.caFile(), mbox, readAll));
    return run(new ProcessBuilder(List.of("getmail", "--getmaildir", work.toString(), "--rcfile", rc.toString())));
  }

  private Run run(ProcessBuilder b) throws Exception {
    Path out = Files.createTempFile(work, "client", ".out");
    Process p = b.directory(work.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(b.command().get(0) + " did not finish within " + TIMEOUT_SECONDS + " s: "
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }
}

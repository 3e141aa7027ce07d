package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mailgate.gateway.testing.Transcript;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password outside ASCII logs in through every way IMAP offers: LOGIN with a literal, and
 * AUTHENTICATE PLAIN (RFC 4616: the password is UTF-8) both with SASL-IR (RFC 4959) and after the
 * {@code +} continuation. Thunderbird and mutt pick AUTHENTICATE PLAIN when it is advertised, so
 * a user whose password was set with {@code mailgate user add} could not log in with them.
 */
class LocalImapNonAsciiPasswordTest {
  private static final String USER = "jörg@example.test";
  private static final String PASSWORD = "grüße, Jörg €";

  @TempDir Path dir;

  private static String plain(String authzid, String user, String password) {
    return Base64.getEncoder().encodeToString((authzid + "\0" + user + "\0" + password).getBytes(UTF_8));
  }

  @Test
  void authenticatePlainAcceptsAUtf8Password() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.users.add(USER, PASSWORD.toCharArray()).block();
      Transcript.of("""
          S: \\* OK .*
          C: t1 AUTHENTICATE PLAIN %s
          S: t1 OK \\[CAPABILITY .*\\] Logged in
          C: t2 LOGOUT
          S: \\* BYE .*
          S: t2 OK .*
          """.formatted(plain("", USER, PASSWORD))).run(server.address());
      Transcript.of("""
          S: \\* OK .*
          C: t1 AUTHENTICATE PLAIN
          S: \\+ ?
          C: %s
          S: t1 OK \\[CAPABILITY .*\\] Logged in
          C: t2 LOGOUT
          S: \\* BYE .*
          S: t2 OK .*
          """.formatted(plain(USER, USER, PASSWORD))).run(server.address());
    }
  }

  @Test
  void authenticatePlainStillRefusesAPasswordThatDiffersOnlyPastItsEnd() {
    // The old decoder padded the password with NULs; make sure no padding is accepted either.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.users.add(USER, PASSWORD.toCharArray()).block();
      Transcript.of("""
          S: \\* OK .*
          C: t1 AUTHENTICATE PLAIN %s
          S: t1 NO \\[AUTHENTICATIONFAILED\\] .*
          C: t2 AUTHENTICATE PLAIN %s
          S: t2 NO \\[AUTHENTICATIONFAILED\\] .*
          """.formatted(plain("", USER, PASSWORD.substring(0, PASSWORD.length() - 1)),
              plain("", USER, PASSWORD + "x"))).run(server.address());
    }
  }
}

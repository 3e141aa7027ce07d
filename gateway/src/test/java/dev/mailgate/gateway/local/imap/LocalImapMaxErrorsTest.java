package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.gateway.testing.Transcript;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's {@code limits.max_errors} ({@link LocalImapSettings#maxErrors()}, here 3): the
 * third malformed command is answered and then the session ends with {@code * BYE [LIMIT]}; tested
 * one command at a time and pipelined (nginx-tests' mail_max_errors.t), before and after login.
 */
class LocalImapMaxErrorsTest {
  @TempDir Path dir;
  LocalImapServer server;

  @BeforeEach
  void start() {
    server = LocalImapServer.start(dir, LocalImapSettings.of("imap.test", ImapLimits.DEFAULTS)
        .withAllowPlaintextAuth(true).withMaxErrors(3));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theConfiguredNumberOfMalformedCommandsEndsTheSession() {
    Transcript.of("""
        S: \\* OK .*
        C: a1 FETCH
        S: a1 BAD .*
        C: no-tag-at-all
        S: .* BAD .*
        C: a2 NOOP
        S: a2 OK NOOP completed
        C: a3 LOGIN
        S: a3 BAD .*
        S: \\* BYE \\[LIMIT\\] Too many errors
        !CLOSED
        """).run(server.address());
  }

  @Test
  void errorsCountAfterLoginToo() {
    Transcript.of("""
        S: \\* OK .*
        C: b1 LOGIN alice secret
        S: b1 OK .*
        C: b2 SELECT
        S: b2 BAD .*
        C: b3 SELECT INBOX
        S*: \\* .*
        S: b3 OK .*
        C: b4 FETCH 1 (NOSUCHITEM)
        S: b4 BAD .*
        C: b5 STORE 1 FLAGS
        S: b5 BAD .*
        S: \\* BYE \\[LIMIT\\] Too many errors
        !CLOSED
        """).run(server.address());
  }

  /**
   * A well-formed astring that is not modified UTF-7 (raw UTF-8 sent without ENABLE UTF8=ACCEPT,
   * as emailjs-imap-client does for COPY, SELECT and APPEND, or a broken shift) names no mailbox:
   * {@code NO}, as Dovecot answers, not a protocol error that counts toward max_errors.
   */
  @Test
  void mailboxNamesThatAreNotModifiedUtf7AreRefusedWithoutEndingTheSession() {
    Transcript.of("""
        S: \\* OK .*
        C: m1 LOGIN alice secret
        S: m1 OK .*
        C: m2 SELECT "Ünïcode Box"
        S: m2 NO Mailbox name is not valid mUTF-7
        C: m3 STATUS "Ünïcode Box" (MESSAGES)
        S: m3 NO Mailbox name is not valid mUTF-7
        C: m4 CREATE &Jjo
        S: m4 NO Mailbox name is not valid mUTF-7
        C: m5 SELECT INBOX
        S*: \\* .*
        S: m5 OK .*
        C: m6 COPY 1:* "Ünïcode Box"
        S: m6 NO Mailbox name is not valid mUTF-7
        C: m7 APPEND "Ünïcode Box" {3+}
        C: abc
        S: m7 NO Mailbox name is not valid mUTF-7
        C: m8 NOOP
        S: m8 OK NOOP completed
        """).run(server.address());
  }

  @Test
  void pipelinedMalformedCommandsStopAtTheLimit() {
    try (Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      c.run("S: \\* OK .*");
      c.send("p1 FETCH\r\np2 FETCH\r\np3 FETCH\r\np4 FETCH\r\np5 NOOP\r\n".getBytes(US_ASCII));
      c.run("""
          S: p1 BAD .*
          S: p2 BAD .*
          S: p3 BAD .*
          S: \\* BYE \\[LIMIT\\] Too many errors
          !CLOSED
          """);
    }
  }
}

package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions on one mailbox see each other's changes: untagged EXISTS, EXPUNGE and FETCH FLAGS at
 * command boundaries, each session keeping its own sequence numbers until it is told; and an IDLE
 * session hears of a new message within 100 ms.
 */
class LocalImapConcurrencyTest {
  @TempDir Path dir;
  LocalImapServer server;

  @BeforeEach
  void start() {
    server = LocalImapServer.start(dir);
    server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
    server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.of(SystemFlag.SEEN));
    server.deliver("INBOX", LocalImapServer.MESSAGE_3, Flags.NONE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Transcript.Client login(String tag) {
    return Transcript.Client.connect(server.address(), Duration.ofSeconds(10)).run("""
        S: \\* OK .*
        C: %1$s1 LOGIN alice secret
        S: %1$s1 OK .*
        C: %1$s2 SELECT INBOX
        S: \\* FLAGS .*
        S: \\* OK .*
        S: \\* 3 EXISTS
        S*: \\* .*
        S: %1$s2 OK .*
        """.formatted(tag));
  }

  /** b6b shows b has taken in its append, so b holds its \\Recent and a sees 0 (RFC 3501 2.3.2). */
  @Test
  void twoSessionsSeeEachOthersFlagsExpungesAndAppends() {
    try (Transcript.Client a = login("a"); Transcript.Client b = login("b")) {
      a.run("""
          C: a3 STORE 2 +FLAGS (\\Deleted)
          S: \\* 2 FETCH \\(FLAGS \\(\\\\Seen \\\\Deleted\\) UID 2\\)
          S: a3 OK STORE completed
          C: a4 EXPUNGE
          S: \\* 2 EXPUNGE
          S: a4 OK EXPUNGE completed
          """);
      // b still numbers message 3 as 3 until it is told of the expunge; FETCH must not expunge.
      b.run("""
          C: b3 FETCH 3 (UID)
          S: \\* 3 FETCH \\(UID 3\\)
          S: \\* 2 FETCH \\(FLAGS \\(\\\\Seen \\\\Deleted\\) UID 2\\)
          S: b3 OK FETCH completed
          C: b4 NOOP
          S: \\* 2 EXPUNGE
          S: b4 OK NOOP completed
          C: b5 FETCH 2 (UID)
          S: \\* 2 FETCH \\(UID 3\\)
          S: b5 OK FETCH completed
          C: b6 APPEND INBOX {5+}
          C: hello
          S*: \\* \\d+ (EXISTS|RECENT)
          S: b6 OK \\[APPENDUID \\d+ 4\\] APPEND completed
          C: b6a NOOP
          S*: \\* \\d+ (EXISTS|RECENT)
          S: b6a OK NOOP completed
          C: b6b FETCH 3 (UID)
          S: \\* 3 FETCH \\(UID 4\\)
          S: b6b OK FETCH completed
          C: b7 STORE 1 +FLAGS (\\Flagged)
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Flagged\\) UID 1\\)
          S: b7 OK STORE completed
          """);
      a.run("""
          C: a5 NOOP
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Flagged\\) UID 1\\)
          S: \\* 3 EXISTS
          S: \\* 0 RECENT
          S: a5 OK NOOP completed
          C: a6 UID FETCH 4 (UID RFC822.SIZE)
          S: \\* 3 FETCH \\(UID 4 RFC822.SIZE 5\\)
          S: a6 OK FETCH completed
          """);
    }
  }

  /** RFC 3501 section 7.4.2: a FETCH names a message the client knows of (found by imap-stress). */
  @Test
  void flagChangeOfAMessageThatJustArrivedIsReportedAfterItsExists() {
    try (Transcript.Client a = login("a")) {
      long uid = server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.store.store(server.mailbox("INBOX"), UidSet.of(uid),
          FlagUpdate.add(Flags.of(SystemFlag.FLAGGED))).block();
      a.run("""
          C: a3 NOOP
          S: \\* 4 EXISTS
          S: \\* 4 FETCH \\(FLAGS \\(\\\\Flagged\\) UID 4\\)
          S: \\* 0 RECENT
          S: a3 OK NOOP completed
          """);
    }
  }

  /**
   * RFC 7162 section 3.1: FETCH MODSEQ reads the store, which is ahead of the changes queued for
   * the session; their older MODSEQs must not be reported after it (found by imap-stress).
   */
  @Test
  void modSeqReportedByFetchIsNotFollowedByAnOlderOneFromAQueuedChange() {
    try (Transcript.Client a = login("a")) {
      a.run("""
          C: a3 ENABLE CONDSTORE
          S*: \\* .*
          S: a3 OK .*
          """);
      server.store.store(server.mailbox("INBOX"), UidSet.of(1), FlagUpdate.add(Flags.of(SystemFlag.FLAGGED))).block();
      server.store.store(server.mailbox("INBOX"), UidSet.of(1), FlagUpdate.add(Flags.of(SystemFlag.SEEN))).block();
      a.run("""
          C: a4 FETCH 1 (MODSEQ)
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen \\\\Flagged\\) MODSEQ \\(\\d+\\)\\)
          S: a4 OK FETCH completed
          C: a5 NOOP
          S: a5 OK NOOP completed
          """);
    }
  }

  @Test
  void idleHearsOfAnAppendFromAnotherSessionWithin100Milliseconds() {
    try (Transcript.Client idler = login("i"); Transcript.Client other = login("o")) {
      idler.run("""
          C: i3 IDLE
          S: \\+ idling
          """);
      long[] elapsed = new long[5];
      for (int round = 0; round < elapsed.length; round++) {
        other.run("""
            C: o%1$d APPEND INBOX {5+}
            C: hello
            S*: \\* \\d+ (EXISTS|RECENT)
            S: o%1$d OK \\[APPENDUID .*
            """.formatted(round));
        long acked = System.nanoTime();
        String exists = idler.readLine();
        elapsed[round] = (System.nanoTime() - acked) / 1_000_000;
        assertThat(exists).isEqualTo("* " + (4 + round) + " EXISTS");
        assertThat(idler.readLine()).matches("\\* \\d+ RECENT");
      }
      idler.run("""
          C: DONE
          S: i3 OK IDLE terminated
          """);
      // Measured from the other session's tagged OK (the commit is earlier still).
      assertThat(java.util.Arrays.stream(elapsed).max().getAsLong()).as("slowest of %s ms", java.util.Arrays.toString(elapsed)).isLessThan(100);
    }
  }

  @Test
  void idleReportsExpungesAndFlagChangesFromAnotherSession() {
    try (Transcript.Client idler = login("i"); Transcript.Client other = login("o")) {
      idler.run("""
          C: i3 IDLE
          S: \\+ idling
          """);
      other.run("""
          C: o3 STORE 1 +FLAGS.SILENT (\\Deleted)
          S: o3 OK STORE completed
          """);
      idler.run("""
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 1\\)
          """);
      other.run("""
          C: o4 EXPUNGE
          S: \\* 1 EXPUNGE
          S: o4 OK .*
          """);
      idler.run("""
          S: \\* 1 EXPUNGE
          C: DONE
          S: i3 OK IDLE terminated
          C: i4 FETCH 1:* (UID)
          S: \\* 1 FETCH \\(UID 2\\)
          S: \\* 2 FETCH \\(UID 3\\)
          S: i4 OK FETCH completed
          """);
    }
  }
}

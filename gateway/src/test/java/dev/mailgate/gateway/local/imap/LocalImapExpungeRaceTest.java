package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.local.imap.RacingMailStore.Op;
import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Another session expunges a message in the middle of this session's command, after the command
 * read the message's metadata and before it read the rest (found by benchmarks/imap-stress): the
 * response stays well formed and answers with what still exists (RFC 2180 section 4.1).
 */
class LocalImapExpungeRaceTest {
  @TempDir Path dir;
  LocalImapServer server;
  MailboxId inbox;

  @BeforeEach
  void start() {
    server = LocalImapServer.startRacing(dir);
    inbox = server.deliverSamples();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Transcript.Client login() {
    return server.selectInbox();
  }

  /** What another session does: flag the message \\Deleted and expunge it. */
  private Mono<?> expungedElsewhere(long uid) {
    return server.store.store(inbox, UidSet.of(uid), FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
        .then(server.store.expunge(inbox, UidSet.of(uid)));
  }

  @Test
  void bodyOfAMessageExpungedDuringUidFetchIsNilAndTheFetchCompletes() {
    server.racing.before(Op.CONTENT, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 2 (BODY.PEEK[])
          S: \\* 2 FETCH \\(UID 2 BODY\\[\\] NIL\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: \\* 2 EXPUNGE
          S: a3 OK FETCH completed
          C: a4 FETCH 2 (UID)
          S: \\* 2 FETCH \\(UID 3\\)
          S: a4 OK FETCH completed
          """);
    }
  }

  @Test
  void fetchBySequenceNumberAnswersNilThenNoExpungeIssuedAndNoopReportsTheExpunge() {
    server.racing.before(Op.CONTENT, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 FETCH 2 (UID BODY.PEEK[TEXT])
          S: \\* 2 FETCH \\(UID 2 BODY\\[TEXT\\] NIL\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: a3 NO \\[EXPUNGEISSUED\\] Some of the requested messages no longer exist
          C: a4 NOOP
          S: \\* 2 EXPUNGE
          S: a4 OK NOOP completed
          """);
    }
  }

  @Test
  void headerFieldsOfAMessageExpungedDuringFetchAreNilAndTheNextMessageIsAnswered() {
    server.racing.before(Op.CONTENT, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 2:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
          S: \\* 2 FETCH \\(UID 2 BODY\\[HEADER.FIELDS \\(SUBJECT\\)\\] NIL\\)
          S: \\* 3 FETCH \\(UID 3 BODY\\[HEADER.FIELDS \\(SUBJECT\\)\\] \\{20\\}
          S: Subject: invoice
          S:
          S: \\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: \\* 2 EXPUNGE
          S: a3 OK FETCH completed
          """);
    }
  }

  /** RFC 3516 section 4.2: BINARY is an nstring or a literal8, so NIL answers it as for BODY[]. */
  @Test
  void binaryOfAMessageExpungedDuringUidFetchIsNilAfterItsSizeAndTheFetchCompletes() {
    server.racing.before(Op.CONTENT, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 2 (BINARY.SIZE[1] BINARY.PEEK[1])
          S: \\* 2 FETCH \\(UID 2 BINARY.SIZE\\[1\\] 25 BINARY\\[1\\] NIL\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: \\* 2 EXPUNGE
          S: a3 OK FETCH completed
          C: a4 NOOP
          S: a4 OK NOOP completed
          """);
    }
  }

  /**
   * A base64 part's decoded size is read before the message's response begins; BINARY.SIZE has no
   * NIL form, so a message gone by then is left out and the FETCH by number ends NO (RFC 2180
   * section 4.1.2).
   */
  @Test
  void binarySizeOfAMessageExpungedBeforeItsResponseBeganLeavesItOut() {
    server.racing.before(Op.CONTENT, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 FETCH 2:3 (BINARY.SIZE[2])
          S: \\* 3 FETCH \\(BINARY.SIZE\\[2\\] 0\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: a3 NO \\[EXPUNGEISSUED\\] Some of the requested messages no longer exist
          C: a4 NOOP
          S: \\* 2 EXPUNGE
          S: a4 OK NOOP completed
          """);
    }
  }

  /**
   * BINARY without PEEK reads each structure before setting \Seen (RFC 3516 section 4.3): a
   * message gone by then is left out and the others are answered.
   */
  @Test
  void binaryOfAMessageExpungedBeforeSeenWasSetLeavesItOutAndAnswersTheNext() {
    server.racing.before(Op.STRUCTURE, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 2:3 (BINARY[1])
          S: \\* 3 FETCH \\(UID 3 FLAGS \\(\\\\Seen\\) BINARY\\[1\\] ~\\{35\\}
          S: Please pay the invoice number 42.
          S: \\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: \\* 2 EXPUNGE
          S: a3 OK FETCH completed
          """);
    }
  }

  /**
   * A message over one 64 KiB store chunk, expunged after its first chunk went out: the literal
   * cannot be finished, and a tagged NO written into it would be read as message data (or the
   * client would wait for the missing bytes), so the connection is closed.
   */
  @Test
  void literalCutShortByAnExpungeBetweenTwoChunksClosesTheConnection() {
    String big = "Subject: big\r\n\r\n" + "0123456789abcdef\r\n".repeat(6000);
    long uid = server.deliver("INBOX", big, Flags.NONE);
    server.racing.betweenChunks(expungedElsewhere(uid));
    try (Transcript.Client a = login()) {
      a.run("C: a3 UID FETCH " + uid + " (BODY.PEEK[])\n"
          + "S: \\* 4 FETCH \\(UID " + uid + " BODY\\[\\] \\{" + big.length() + "\\}\n");
      a.readBytes(64 * 1024);
      a.run("!CLOSED");
    }
  }

  /**
   * A kick that comes while a FETCH answer is being written waits for it: a {@code * BYE} inside
   * the answer would be read as message data (RFC 9051 section 7.1.5 puts BYE between responses).
   */
  @Test
  void aKickDuringAFetchSaysByeAfterTheAnswerNotInsideIt() {
    server.racing.before(Op.CONTENT, Mono.fromRunnable(server::kickAll).then(Mono.delay(Duration.ofMillis(300))));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
          S: \\* 3 FETCH \\(UID 3 BODY\\[HEADER.FIELDS \\(SUBJECT\\)\\] \\{20\\}
          S: Subject: invoice
          S:
          S: \\)
          S: a3 OK FETCH completed
          S: \\* BYE Disconnected by the administrator
          !CLOSED
          """);
    }
  }

  @Test
  void envelopeOfAMessageExpungedBeforeItsStructureWasReadIsLeftOut() {
    server.racing.before(Op.STRUCTURE, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID FETCH 2:3 (ENVELOPE)
          S: \\* 3 FETCH \\(UID 3 ENVELOPE \\(.*\\)\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: \\* 2 EXPUNGE
          S: a3 OK FETCH completed
          """);
    }
  }

  @Test
  void searchOfTheTextAnswersWithTheMessagesLeftWhenOneIsExpungedDuringIt() {
    server.racing.before(Op.STRUCTURE, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 SEARCH TEXT invoice
          S: \\* SEARCH 3
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: a3 OK SEARCH completed
          C: a4 UID SEARCH BODY invoice
          S: \\* SEARCH 3
          S: \\* 2 EXPUNGE
          S: a4 OK SEARCH completed
          """);
    }
  }

  @Test
  void sortLeavesOutAMessageExpungedBeforeItsEnvelopeWasRead() {
    server.racing.before(Op.STRUCTURE, expungedElsewhere(2));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 SORT (SUBJECT) UTF-8 ALL
          S: \\* SORT 1 3
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: a3 OK SORT completed
          """);
    }
  }

  @Test
  void threadLeavesOutAMessageExpungedBeforeItsReferencesWereRead() {
    server.racing.before(Op.CONTENT, expungedElsewhere(1));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 UID THREAD REFERENCES UTF-8 ALL
          S: \\* THREAD \\(2\\)\\(3\\)
          S*: \\* 1 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 1\\)
          S: \\* 1 EXPUNGE
          S: a3 OK THREAD completed
          """);
    }
  }

  /** RFC 7162 section 3.1.2: HIGHESTMODSEQ is at least every MODSEQ the client was told of. */
  @Test
  void highestModSeqOfExpungeIsNotBelowAChangeReportedWithIt() {
    server.racing.after(Op.EXPUNGE,
        server.store.store(inbox, UidSet.of(3), FlagUpdate.add(Flags.of(SystemFlag.FLAGGED))));
    try (Transcript.Client a = login()) {
      a.run("""
          C: a3 ENABLE CONDSTORE
          S*: \\* .*
          S: a3 OK .*
          C: a4 STORE 1 +FLAGS.SILENT (\\Deleted)
          S*: \\* 1 FETCH .*
          S: a4 OK STORE completed
          C: a5 EXPUNGE
          S: \\* 1 EXPUNGE
          S: \\* 2 FETCH \\(FLAGS \\(\\\\Flagged\\) UID 3 MODSEQ \\((?<m>\\d+)\\)\\)
          S: a5 OK \\[HIGHESTMODSEQ ${m}\\] EXPUNGE completed
          """);
    }
  }
}

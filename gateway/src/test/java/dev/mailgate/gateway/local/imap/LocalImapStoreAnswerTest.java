package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STORE answers each message with the flags it has once the STORE is done (RFC 3501 section
 * 6.4.6), also a message whose flags another session changed before this session heard of it, and
 * says nothing of a message another session expunged (found by benchmarks/imap-stress).
 */
class LocalImapStoreAnswerTest {
  @TempDir Path dir;
  LocalImapServer server;
  MailboxId inbox;

  @BeforeEach
  void start() {
    server = LocalImapServer.start(dir);
    inbox = server.deliverSamples();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Transcript.Client login() {
    return server.selectInbox();
  }

  @Test
  void storeOfFlagsAnotherSessionAlreadySetAnswersWithTheStoredFlags() {
    try (Transcript.Client a = login()) {
      server.store.store(inbox, UidSet.of(1), FlagUpdate.add(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN))).block();
      a.run("""
          C: a3 STORE 1 +FLAGS (\\Flagged)
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen \\\\Flagged\\) UID 1\\)
          S: a3 OK STORE completed
          C: a4 NOOP
          S: a4 OK NOOP completed
          """);
    }
  }

  @Test
  void storeSaysNothingOfAMessageAnotherSessionExpunged() {
    try (Transcript.Client a = login()) {
      server.store.store(inbox, UidSet.of(2), FlagUpdate.add(Flags.of(SystemFlag.DELETED))).block();
      server.store.expunge(inbox, UidSet.of(2)).block();
      a.run("""
          C: a3 STORE 1:3 +FLAGS (\\Seen)
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen\\) UID 1\\)
          S: \\* 3 FETCH \\(FLAGS \\(\\\\Seen\\) UID 3\\)
          S*: \\* 2 FETCH \\(FLAGS \\(\\\\Deleted\\) UID 2\\)
          S: a3 OK STORE completed
          C: a4 NOOP
          S: \\* 2 EXPUNGE
          S: a4 OK NOOP completed
          """);
    }
  }
}

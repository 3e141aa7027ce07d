package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImapSmokeTest {
  @TempDir Path dir;

  @Test
  void logsInSelectsAndFetches() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      Transcript.of("""
          S: \\* OK \\[CAPABILITY .*\\] imap.test IMAP4rev1 ready
          C: a1 LOGIN alice secret
          S: a1 OK \\[CAPABILITY .*\\] Logged in
          C: a2 SELECT INBOX
          S: \\* FLAGS .*
          S: \\* OK \\[PERMANENTFLAGS .*
          S: \\* 1 EXISTS
          S: \\* 0 RECENT
          S: \\* OK \\[UNSEEN 1\\].*
          S: \\* OK \\[UIDVALIDITY \\d+\\].*
          S: \\* OK \\[UIDNEXT 2\\].*
          S: \\* OK \\[HIGHESTMODSEQ \\d+\\].*
          S: a2 OK \\[READ-WRITE\\] SELECT completed
          C: a3 FETCH 1 (FLAGS BODY[HEADER.FIELDS (SUBJECT)])
          S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen\\) BODY\\[HEADER.FIELDS \\(SUBJECT\\)\\] \\{30\\}
          S: Subject: afternoon meeting
          S: 
          S: \\)
          S: a3 OK FETCH completed
          C: a4 LOGOUT
          S: \\* BYE .*
          S: a4 OK .*
          """).run(server.address());
    }
  }
}

package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * \Recent is per session (RFC 3501 section 2.3.2): a message is recent in the one session that
 * first learns of it, by SELECT or by an arrival while selected; EXAMINE and STATUS only look.
 */
class LocalImapRecentTest {
  @TempDir Path dir;

  private static Transcript.Client login(LocalImapServer server, String tag) {
    return Transcript.Client.connect(server.address(), Duration.ofSeconds(10)).run("""
        S: \\* OK .*
        C: %1$s1 LOGIN alice secret
        S: %1$s1 OK .*
        """.formatted(tag));
  }

  @Test
  void onlyTheFirstSessionToSeeAMessageShowsItAsRecent() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliverRecent("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliverRecent("INBOX", LocalImapServer.MESSAGE_3, Flags.NONE);
      try (Transcript.Client a = login(server, "a"); Transcript.Client b = login(server, "b")) {
        a.run("""
            C: a2 STATUS INBOX (MESSAGES RECENT)
            S: \\* STATUS "INBOX" \\(MESSAGES 2 RECENT 2\\)
            S: a2 OK STATUS completed
            C: a3 EXAMINE INBOX
            S: \\* FLAGS .*
            S: \\* OK .*
            S: \\* 2 EXISTS
            S: \\* 2 RECENT
            S*: \\* OK .*
            S: a3 OK \\[READ-ONLY\\] EXAMINE completed
            C: a4 FETCH 1 FLAGS
            S: \\* 1 FETCH \\(FLAGS \\(\\\\Recent\\)\\)
            S: a4 OK FETCH completed
            """);
        b.run("""
            C: b2 SELECT INBOX
            S: \\* FLAGS .*
            S: \\* OK .*
            S: \\* 2 EXISTS
            S: \\* 2 RECENT
            S*: \\* OK .*
            S: b2 OK \\[READ-WRITE\\] SELECT completed
            """);
        a.run("""
            C: a5 SELECT INBOX
            S: \\* OK \\[CLOSED\\] .*
            S: \\* FLAGS .*
            S: \\* OK .*
            S: \\* 2 EXISTS
            S: \\* 0 RECENT
            S*: \\* OK .*
            S: a5 OK \\[READ-WRITE\\] SELECT completed
            C: a6 FETCH 1 FLAGS
            S: \\* 1 FETCH \\(FLAGS \\(\\)\\)
            S: a6 OK FETCH completed
            C: a7 UNSELECT
            S: a7 OK UNSELECT completed
            """);
        b.run("""
            C: b3 IDLE
            S: \\+ idling
            """);
        server.deliverRecent("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
        b.run("""
            S: \\* 3 EXISTS
            S: \\* 3 RECENT
            C: DONE
            S: b3 OK IDLE terminated
            C: b4 FETCH 3 FLAGS
            S: \\* 3 FETCH \\(FLAGS \\(\\\\Recent\\)\\)
            S: b4 OK FETCH completed
            C: b5 STATUS INBOX (RECENT)
            S: \\* STATUS "INBOX" \\(RECENT 3\\)
            S: b5 OK STATUS completed
            """);
        a.run("""
            C: a8a STATUS INBOX (MESSAGES RECENT)
            S: \\* STATUS "INBOX" \\(MESSAGES 3 RECENT 0\\)
            S: a8a OK STATUS completed
            """);
        a.run("""
            C: a8 SELECT INBOX
            S: \\* FLAGS .*
            S: \\* OK .*
            S: \\* 3 EXISTS
            S: \\* 0 RECENT
            S*: \\* OK .*
            S: a8 OK \\[READ-WRITE\\] SELECT completed
            """);
      }
    }
  }

  @Test
  void statusOfTheSelectedMailboxCountsWhatThisSessionShows() {
    // RFC 3501 sections 2.3.2 and 6.3.10; Dovecot answers the same numbers. Another session's
    // STATUS counts only the messages no session has claimed.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliverRecent("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliverRecent("INBOX", LocalImapServer.MESSAGE_3, Flags.NONE);
      try (Transcript.Client a = login(server, "a"); Transcript.Client b = login(server, "b");
          Transcript.Client x = login(server, "x")) {
        a.run("""
            C: a2 EXAMINE INBOX
            S*: \\* .*
            S: a2 OK .*
            """);
        b.run("""
            C: b2 SELECT INBOX
            S*: \\* .*
            S: b2 OK .*
            C: b3 STATUS INBOX (MESSAGES RECENT UNSEEN)
            S: \\* STATUS "INBOX" \\(MESSAGES 2 RECENT 2 UNSEEN 2\\)
            S: b3 OK STATUS completed
            C: b4 IDLE
            S: \\+ idling
            """);
        server.deliverRecent("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
        b.run("""
            S: \\* 3 EXISTS
            S: \\* 3 RECENT
            C: DONE
            S: b4 OK IDLE terminated
            C: b5 STATUS INBOX (MESSAGES RECENT)
            S: \\* STATUS "INBOX" \\(MESSAGES 3 RECENT 3\\)
            S: b5 OK STATUS completed
            """);
        a.run("""
            C: a3 STATUS INBOX (MESSAGES RECENT)
            S: \\* STATUS "INBOX" \\(MESSAGES 2 RECENT 2\\)
            S*: \\* \\d+ (EXISTS|RECENT)
            S: a3 OK STATUS completed
            """);
        x.run("""
            C: x2 STATUS INBOX (MESSAGES RECENT)
            S: \\* STATUS "INBOX" \\(MESSAGES 3 RECENT 0\\)
            S: x2 OK STATUS completed
            """);
      }
    }
  }
}

package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox's keyword limit ({@link Flags#MAX_KEYWORDS}) holds on every path that brings a keyword
 * in, not only on this session's STORE: APPEND, COPY and MOVE into a full mailbox, and a STORE of a
 * session that has not yet heard of another session's new keyword, get {@code NO [LIMIT]} (RFC
 * 5530 section 3, "the number of flags used in a mailbox"), as STORE does; at the limit
 * PERMANENTFLAGS has no {@code \*} (RFC 3501 section 7.1), so FLAGS always lists every keyword a
 * client is shown.
 */
class LocalImapKeywordLimitTest {
  @TempDir Path dir;
  LocalImapServer server;

  @BeforeEach
  void start() {
    server = LocalImapServer.start(dir);
    server.store.create(LocalImapServer.USER, MailboxName.of("Other"), Set.of()).block();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Set<String> keywords(int n) {
    Set<String> k = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < n; i++) {
      k.add("k" + i);
    }
    return k;
  }

  private Transcript.Client login() {
    return Transcript.Client.connect(server.address(), java.time.Duration.ofSeconds(10)).run("""
        S: \\* OK .*
        C: a1 LOGIN alice secret
        S: a1 OK .*
        """);
  }

  @Test
  void appendCopyAndMoveCannotBringAFullMailboxPastItsKeywordLimit() {
    server.deliver("INBOX", LocalImapServer.MESSAGE_1, new Flags(Set.of(), keywords(Flags.MAX_KEYWORDS)));
    server.deliver("Other", LocalImapServer.MESSAGE_1, new Flags(Set.of(), Set.of("$Label9")));
    try (Transcript.Client c = login()) {
      c.run("""
          C: a2 APPEND INBOX (one-too-many) {10+}
          C: Subject: x
          S: a2 NO \\[LIMIT\\] Too many keywords in this mailbox \\(at most 128\\)
          C: a3 APPEND INBOX (K7) {10+}
          C: Subject: y
          S: a3 OK \\[APPENDUID \\d+ 2\\] .*
          C: a4 SELECT Other
          S*: \\* .*
          S: a4 OK .*
          C: a5 COPY 1 INBOX
          S: a5 NO \\[LIMIT\\] Too many keywords in this mailbox \\(at most 128\\)
          C: a6 MOVE 1 INBOX
          S: a6 NO \\[LIMIT\\] Too many keywords in this mailbox \\(at most 128\\)
          C: a7 STATUS INBOX (MESSAGES)
          S: \\* STATUS "INBOX" \\(MESSAGES 2\\)
          S: a7 OK .*
          C: a8 SELECT INBOX
          S: \\* OK \\[CLOSED\\] .*
          S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft k0 .* k99\\)
          S: \\* OK \\[PERMANENTFLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft k0 .* k99\\)\\] Flags permitted\\.
          S*: \\* .*
          S: a8 OK .*
          """);
    }
  }

  @Test
  void storeOfASessionThatMissedAnotherSessionsKeywordCannotPassTheLimit() {
    server.deliver("INBOX", LocalImapServer.MESSAGE_1, new Flags(Set.of(), keywords(Flags.MAX_KEYWORDS - 1)));
    server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
    try (Transcript.Client c = login()) {
      c.run("""
          C: a2 SELECT INBOX
          S: \\* FLAGS .*
          S: \\* OK \\[PERMANENTFLAGS \\(.* \\\\\\*\\)\\] Flags permitted\\.
          S*: \\* .*
          S: a2 OK .*
          """);
      // another session takes the last place before this one hears of it
      server.store.store(server.mailbox("INBOX"), UidSet.of(1),
          FlagUpdate.add(new Flags(Set.of(), Set.of("theirs")))).block();
      c.run("""
          C: a3 STORE 2 +FLAGS.SILENT (mine)
          S*: \\* .*
          S: a3 NO \\[LIMIT\\] Too many keywords in this mailbox \\(at most 128\\)
          C: a4 NOOP
          S*: \\* .*
          S: a4 OK .*
          """);
    }
    Set<String> inUse = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    server.store.messages(server.mailbox("INBOX"), UidSet.all())
        .doOnNext(m -> inUse.addAll(m.flags().keywords())).blockLast();
    assertThat(inUse).hasSize(Flags.MAX_KEYWORDS).contains("theirs").doesNotContain("mine");
  }
}

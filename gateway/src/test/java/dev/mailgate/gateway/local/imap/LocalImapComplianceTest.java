package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviours found by running the same commands against Dovecot (the reference) and the local
 * tier, each proved over a real socket against a started listener and a fresh store. The
 * scripts follow Dovecot's imaptest where it has a test for the behaviour.
 */
class LocalImapComplianceTest {
  @TempDir Path dir;

  private static final String LOGIN = """
      S: \\* OK .*
      C: a LOGIN alice secret
      S: a OK .*
      """;

  private void run(String script) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      Transcript.of(LOGIN + script).run(server.address());
    }
  }

  /** With INBOX holding RFC 3501 section 8's message 1 and the multipart message 2. */
  private void runWithInbox(String script) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
      Transcript.of(LOGIN + script).run(server.address());
    }
  }

  @Test
  void fetchOfMessageExpungedByAnotherSessionAnswersNoExpungeIssued() {
    // RFC 2180 section 4.1.2, RFC 5530; Dovecot flags it with EXPUNGEISSUED too.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
      try (Transcript.Client a = Transcript.Client.connect(server.address(), Duration.ofSeconds(10));
          Transcript.Client b = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
        String select = """
            C: s SELECT INBOX
            S*: \\* .*
            S: s OK .*
            """;
        a.run(LOGIN + select);
        b.run(LOGIN + select + """
            C: b1 STORE 1 +FLAGS.SILENT (\\Deleted)
            S: b1 OK .*
            C: b2 EXPUNGE
            S: \\* 1 EXPUNGE
            S: b2 OK .*
            """);
        a.run("""
            C: a1 FETCH 1:2 (UID RFC822.SIZE)
            S*: \\* 1 FETCH \\(FLAGS .*
            S: \\* 2 FETCH \\(UID 2 RFC822.SIZE \\d+\\)
            S*: \\* 1 FETCH \\(FLAGS .*
            S: a1 NO \\[EXPUNGEISSUED\\] .*
            C: a2 FETCH 2 (UID)
            S: \\* 2 FETCH \\(UID 2\\)
            S: a2 OK FETCH completed
            C: a3 NOOP
            S: \\* 1 EXPUNGE
            S: a3 OK .*
            C: a4 FETCH 1 (UID)
            S: \\* 1 FETCH \\(UID 2\\)
            S: a4 OK FETCH completed
            """);
      }
    }
  }

  @Test
  void fetchOfUidAndFlagsOfAMessageExpungedByAnotherSessionAnswersFromTheSessionsView() {
    // RFC 2180 section 4.1.3: the UID and the last flags this session knows, tagged OK, as
    // Dovecot answers them from its index; a size or body cannot be, and stays NO [EXPUNGEISSUED].
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.of(SystemFlag.DELETED));
      server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
      try (Transcript.Client a = Transcript.Client.connect(server.address(), Duration.ofSeconds(10));
          Transcript.Client b = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
        String select = """
            C: s SELECT INBOX
            S*: \\* .*
            S: s OK .*
            """;
        a.run(LOGIN + select);
        b.run(LOGIN + select + """
            C: b1 EXPUNGE
            S: \\* 1 EXPUNGE
            S: b1 OK .*
            """);
        a.run("""
            C: a1 FETCH 1 (UID FLAGS)
            S: \\* 1 FETCH \\(UID 1 FLAGS \\(\\\\Deleted\\)\\)
            S: a1 OK FETCH completed
            C: a2 FETCH 1:2 (FLAGS)
            S: \\* 2 FETCH \\(FLAGS \\(\\)\\)
            S: \\* 1 FETCH \\(FLAGS \\(\\\\Deleted\\)\\)
            S: a2 OK FETCH completed
            C: a3 FETCH 1 (UID RFC822.SIZE)
            S: a3 NO \\[EXPUNGEISSUED\\] .*
            C: a4 NOOP
            S: \\* 1 EXPUNGE
            S: a4 OK .*
            C: a5 FETCH 1 (UID FLAGS)
            S: \\* 1 FETCH \\(UID 2 FLAGS \\(\\)\\)
            S: a5 OK FETCH completed
            """);
      }
    }
  }

  @Test
  void multiAppendWithABadMessageStoresNone() {
    // RFC 3502 section 3: the messages of one APPEND are appended all or none.
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      c.run(LOGIN + """
          C: m1 CREATE box
          S: m1 OK .*
          """);
      c.send("m2 APPEND box {3+}\r\nabc {3+}\r\ndef (\\Bogus) {3+}\r\nxyz\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      c.run(REFUSED_AND_BOX_EMPTY);
    }
  }

  /** The MULTIAPPEND m2 was refused, and box holds none of its messages (RFC 3502 section 3). */
  private static final String REFUSED_AND_BOX_EMPTY = """
      S: m2 BAD .*
      C: m3 STATUS box (MESSAGES)
      S: \\* STATUS "box" \\(MESSAGES 0\\)
      S: m3 OK STATUS completed
      """;

  @Test
  void multiAppendFailingAfterAStreamedMessageTakesItBack() {
    // A literal larger than the inline limit is stored while it is read; a later bad message must
    // take it back (RFC 3502 section 3).
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(20))) {
      int size = 100_000;
      c.run(LOGIN + """
          C: m1 CREATE box
          S: m1 OK .*
          C: m2 APPEND box {%d}
          S: \\+ .*
          """.formatted(size));
      byte[] body = ("Subject: big\r\n\r\n" + "x".repeat(size)).substring(0, size)
          .getBytes(StandardCharsets.US_ASCII);
      c.send(body);
      c.send(" (\\Bogus) {3+}\r\nxyz\r\n".getBytes(StandardCharsets.US_ASCII));
      c.run(REFUSED_AND_BOX_EMPTY);
    }
  }

  @Test
  void newKeywordIsAnnouncedInFlagsBeforeAFetchShowsIt() {
    // RFC 3501 section 7.2.6; imaptest: "Keyword used without being in FLAGS". Dovecot sends
    // PERMANENTFLAGS again with FLAGS (client_send_mailbox_flags).
    runWithInbox("""
        C: s1 SELECT INBOX
        S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft\\)
        S*: \\* (OK|\\d+) .*
        S: s1 OK \\[READ-WRITE\\] SELECT completed
        C: s2 STORE 1 +FLAGS ($Label1)
        S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Label1\\)
        S: \\* OK \\[PERMANENTFLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Label1 \\\\\\*\\)\\] Flags permitted\\.
        S: \\* 1 FETCH \\(FLAGS \\((\\\\Recent )?\\$Label1\\) UID 1\\)
        S: s2 OK STORE completed
        C: s3 STORE 2 +FLAGS ($label1)
        S: (?i)\\* 2 FETCH \\(FLAGS \\((\\\\Recent )?\\$label1\\) UID 2\\)
        S: s3 OK STORE completed
        C: s4 STORE 2 +FLAGS.SILENT (Work)
        S: s4 OK STORE completed
        C: s5 FETCH 2 FLAGS
        S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Label1 Work\\)
        S: \\* OK \\[PERMANENTFLAGS \\(.* \\$Label1 Work \\\\\\*\\)\\] .*
        S: (?i)\\* 2 FETCH \\(FLAGS \\((\\\\Recent )?\\$label1 Work\\)\\)
        S: s5 OK FETCH completed
        """);
  }

  /**
   * RFC 3501 section 7.1: PERMANENTFLAGS lists the flags that are kept, and a mailbox's keywords
   * are, so it names those in use as FLAGS does (section 7.2.6), then {@code \*}; Dovecot's
   * SELECT says {@code * OK [PERMANENTFLAGS (\Answered ... $Work \*)] Flags permitted.}.
   * EXAMINE's is empty, as Dovecot's.
   */
  @Test
  void permanentFlagsListTheKeywordsInUseThenStar() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1,
          new Flags(java.util.Set.of(SystemFlag.SEEN), java.util.Set.of("$Work", "Later")));
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Work Later\\)
          S: \\* OK \\[PERMANENTFLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Work Later \\\\\\*\\)\\] Flags permitted\\.
          S*: \\* .*
          S: s1 OK \\[READ-WRITE\\] .*
          C: s2 EXAMINE INBOX
          S: \\* OK \\[CLOSED\\] .*
          S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft \\$Work Later\\)
          S: \\* OK \\[PERMANENTFLAGS \\(\\)\\] .*
          S*: \\* .*
          S: s2 OK \\[READ-ONLY\\] .*
          """).run(server.address());
    }
  }

  /**
   * A mailbox takes at most as many keywords as one message may carry ({@link Flags#MAX_KEYWORDS}):
   * FLAGS and PERMANENTFLAGS stay short lines. At the limit PERMANENTFLAGS loses its {@code \*}
   * (RFC 3501 section 7.1: no new keyword may be created) and a STORE of another keyword gets
   * {@code NO [LIMIT]}; keywords already in use can still be stored, and the session goes on.
   */
  @Test
  void aMailboxAtItsKeywordLimitRefusesANewKeywordAndDropsTheStar() {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < Flags.MAX_KEYWORDS; i++) {
      all.append(i == 0 ? "" : " ").append("k").append(i);
    }
    runWithInbox("""
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: s2 STORE 1 +FLAGS (%s)
        S: \\* FLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft k0 .* k99\\)
        S: \\* OK \\[PERMANENTFLAGS \\(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft k0 .* k99\\)\\] Flags permitted\\.
        S: \\* 1 FETCH .*
        S: s2 OK STORE completed
        C: s3 STORE 2 +FLAGS (one-too-many)
        S: s3 NO \\[LIMIT\\] .*
        C: s4 STORE 2 +FLAGS (k7)
        S: \\* 2 FETCH \\(FLAGS \\((\\\\Recent )?k7\\) UID 2\\)
        S: s4 OK STORE completed
        """.formatted(all));
  }

  /** box/test subscribed; box/test2/test subscribed under the unsubscribed box/test2. */
  private static final String SUBSCRIBED_CHILD_OF_UNSUBSCRIBED_PARENT = """
        C: c1 CREATE box/test
        S: c1 OK .*
        C: c2 CREATE box/test2/test
        S: c2 OK .*
        C: c3 SUBSCRIBE box/test
        S: c3 OK .*
        C: c4 SUBSCRIBE box/test2/test
        S: c4 OK .*
        """;

  @Test
  void lsubPercentListsUnsubscribedParentOfSubscribedChildAsNoselect() {
    // RFC 3501 section 6.3.9; imaptest's "subscribe" test.
    run(SUBSCRIBED_CHILD_OF_UNSUBSCRIBED_PARENT + """
        C: c5 LSUB "" box/%
        S: \\* LSUB \\(\\) "/" "box/test"
        S: \\* LSUB \\(\\\\Noselect\\) "/" "box/test2"
        S: c5 OK LSUB completed
        C: c6 LSUB "" box/*
        S: \\* LSUB \\(\\) "/" "box/test"
        S: \\* LSUB \\(\\) "/" "box/test2/test"
        S: c6 OK LSUB completed
        C: c7 UNSUBSCRIBE box/test2/test
        S: c7 OK .*
        C: c8 LSUB "" box/%
        S: \\* LSUB \\(\\) "/" "box/test"
        S: c8 OK LSUB completed
        """);
  }

  @Test
  void listSubscribedRecursiveMatchGivesChildInfoForParentsOfSubscribedChildren() {
    // RFC 5258 section 3.5 (and its example 5.8).
    run(SUBSCRIBED_CHILD_OF_UNSUBSCRIBED_PARENT + """
        C: c5 LIST (SUBSCRIBED RECURSIVEMATCH) "" box/%
        S: \\* LIST \\(\\\\HasNoChildren \\\\Subscribed\\) "/" "box/test"
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "box/test2" \\("CHILDINFO" \\("SUBSCRIBED"\\)\\)
        S: c5 OK LIST completed
        C: c6 LIST (SUBSCRIBED) "" box/%
        S: \\* LIST \\(\\\\HasNoChildren \\\\Subscribed\\) "/" "box/test"
        S: c6 OK LIST completed
        """);
  }

  /**
   * A subscribed name that is no mailbox (never created, or deleted after SUBSCRIBE) is listed
   * under the SUBSCRIBED selection only, as \NonExistent, with no STATUS; asked for CHILDREN it
   * gets \HasNoChildren too (RFC 5258 sections 3 and 4, RFC 9051 section 6.3.9; Dovecot answers
   * the same). A parent that is no mailbox is \NonExistent with its CHILDINFO.
   */
  @Test
  void listSubscribedMarksSubscribedNamesThatAreNoMailboxNonExistent() {
    run("""
        C: c1 CREATE x/y
        S: c1 OK .*
        C: c2 SUBSCRIBE x/y
        S: c2 OK .*
        C: c3 DELETE x/y
        S: c3 OK .*
        C: c4 SUBSCRIBE gone
        S: c4 OK .*
        C: c5 LIST (SUBSCRIBED) "" ("gone" "x/*") RETURN (STATUS (MESSAGES))
        S: \\* LIST \\(\\\\NonExistent \\\\Subscribed\\) "/" "gone"
        S: \\* LIST \\(\\\\NonExistent \\\\Subscribed\\) "/" "x/y"
        S: c5 OK LIST completed
        C: c6 LIST (SUBSCRIBED) "" ("gone" "x/*") RETURN (CHILDREN)
        S: \\* LIST \\(\\\\NonExistent \\\\Subscribed \\\\HasNoChildren\\) "/" "gone"
        S: \\* LIST \\(\\\\NonExistent \\\\Subscribed \\\\HasNoChildren\\) "/" "x/y"
        S: c6 OK LIST completed
        C: c7 LIST (SUBSCRIBED RECURSIVEMATCH) "" x
        S: \\* LIST \\(\\\\NonExistent\\) "/" "x" \\("CHILDINFO" \\("SUBSCRIBED"\\)\\)
        S: c7 OK LIST completed
        C: c8 LIST (SUBSCRIBED RECURSIVEMATCH) "" x RETURN (CHILDREN)
        S: \\* LIST \\(\\\\NonExistent \\\\HasNoChildren\\) "/" "x" \\("CHILDINFO" \\("SUBSCRIBED"\\)\\)
        S: c8 OK LIST completed
        C: c9 LIST "" ("gone" "x" "x/*") RETURN (SUBSCRIBED CHILDREN)
        S: c9 OK LIST completed
        """);
  }

  @Test
  void listRefusesUnknownOptionsAndRecursiveMatchAlone() {
    // RFC 5258 section 3; imaptest's listext test.
    run("""
        C: c1 LIST (imaptest) "" ""
        S: c1 BAD .*
        C: c2 LIST (RECURSIVEMATCH) "" ""
        S: c2 BAD .*
        C: c3 LIST (RECURSIVEMATCH REMOTE) "" ""
        S: c3 BAD .*
        C: c4 LIST "" "" RETURN (imaptest)
        S: c4 BAD .*
        C: c5 LIST (REMOTE) "" INBOX
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "INBOX"
        S: c5 OK LIST completed
        C: c6 LIST (SUBSCRIBED RECURSIVEMATCH) "" INBOX RETURN (CHILDREN)
        S: \\* LIST \\(\\\\HasNoChildren \\\\Subscribed\\) "/" "INBOX"
        S: c6 OK LIST completed
        """);
  }

  @Test
  void listInboxWildcardPatternMatchesInboxInAnyCase() {
    // RFC 3501 section 5.1: INBOX is case-insensitive, also inside a pattern.
    run("""
        C: c1 CREATE Inbox/sub
        S: c1 OK .*
        C: c2 LIST "" inbox*
        S: \\* LIST \\(\\\\HasChildren\\) "/" "INBOX"
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "INBOX/sub"
        S: c2 OK LIST completed
        """);
  }

  @Test
  void firstCondStoreEnablingCommandWithAMailboxSelectedReportsHighestModSeq() {
    // RFC 7162 section 3.1; imaptest esearch-condstore starts with FETCH 1 MODSEQ and expects it.
    runWithInbox("""
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: f1 FETCH 1 MODSEQ
        S: \\* OK \\[HIGHESTMODSEQ \\d+\\] .*
        S: \\* 1 FETCH \\(MODSEQ \\(\\d+\\)\\)
        S: f1 OK .*
        C: f2 FETCH 1 MODSEQ
        S: \\* 1 FETCH \\(MODSEQ \\(\\d+\\)\\)
        S: f2 OK .*
        """);
  }

  @Test
  void esearchMinOrMaxAloneReportsTheModSeqOfTheMessageReturned() {
    // RFC 4731 section 3.2; imaptest esearch-condstore. Message 2 is changed first, so the
    // highest MODSEQ of the result is not message 1's.
    runWithInbox("""
        C: s1 SELECT INBOX (CONDSTORE)
        S*: \\* .*
        S: s1 OK .*
        C: t1 STORE 2 +FLAGS (\\Seen)
        S: \\* 2 FETCH \\(.*MODSEQ \\((?<second>\\d+)\\).*\\)
        S: t1 OK .*
        C: t2 STORE 1 +FLAGS (\\Seen)
        S: \\* 1 FETCH \\(.*MODSEQ \\((?<first>\\d+)\\).*\\)
        S: t2 OK .*
        C: t3 STORE 2 +FLAGS (\\Flagged)
        S: \\* 2 FETCH \\(.*MODSEQ \\((?<last>\\d+)\\).*\\)
        S: t3 OK .*
        C: e1 SEARCH RETURN (MIN) MODSEQ 1
        S: \\* ESEARCH \\(TAG "e1"\\) MIN 1 MODSEQ ${first}
        S: e1 OK .*
        C: e2 SEARCH RETURN (MAX) 1 MODSEQ 1
        S: \\* ESEARCH \\(TAG "e2"\\) MAX 1 MODSEQ ${first}
        S: e2 OK .*
        C: e3 SEARCH RETURN (MIN COUNT) MODSEQ 1
        S: \\* ESEARCH \\(TAG "e3"\\) MIN 1 COUNT 2 MODSEQ ${last}
        S: e3 OK .*
        C: e4 SEARCH RETURN (MIN MAX) MODSEQ 1
        S: \\* ESEARCH \\(TAG "e4"\\) MIN 1 MAX 2 MODSEQ ${last}
        S: e4 OK .*
        """);
  }

  @Test
  void multipartWithoutAnyPartShowsOneEmptyTextPartInBodystructure() {
    // RFC 3501 body-type-mpart is 1*body SP media-subtype: "( \"MIXED\" ...)", sent for a
    // multipart whose body has no boundary line (truncated or broken mail), made Angus Mail throw
    // "BODYSTRUCTURE parse error". Dovecot shows one empty text/plain part, as here.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", """
          Subject: no parts
          MIME-Version: 1.0
          Content-Type: multipart/mixed; boundary="abc"

          This multipart has no boundary line at all.
          """, Flags.NONE);
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          C: f1 FETCH 1 (BODY BODYSTRUCTURE)
          S: \\* 1 FETCH \\(BODY \\(\\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 0 0\\) "MIXED"\\) \
          BODYSTRUCTURE \\(\\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 0 0 NIL NIL NIL NIL\\) \
          "MIXED" \\("BOUNDARY" "abc"\\) NIL NIL NIL\\)\\)
          S: f1 OK FETCH completed
          C: f2 FETCH 1 (BODY.PEEK[1])
          S: \\* 1 FETCH \\(BODY\\[1\\] \\{0\\}
          S: \\)
          S: f2 OK FETCH completed
          """).run(server.address());
    }
  }

  @Test
  void textPartWithoutCharsetShowsUsAsciiInBodyAndBodystructure() {
    // RFC 2045 section 5.2: no charset parameter means us-ascii; Dovecot writes it out instead
    // of NIL, which some clients need to pick a decoder.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", """
          Subject: no charset
          Content-Type: text/plain

          hello
          """, Flags.NONE);
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          C: f1 FETCH 1 (BODY BODYSTRUCTURE)
          S: \\* 1 FETCH \\(BODY \\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 7 1\\) \
          BODYSTRUCTURE \\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 7 1 NIL NIL NIL NIL\\)\\)
          S: f1 OK FETCH completed
          """).run(server.address());
    }
  }

  @Test
  void boundaryFollowedByAParameterWithoutASemicolonEndsAtItsClosingQuote() {
    // "boundary=\"q\" charset=\"x\"": Dovecot takes boundary q and skips the rest up to the
    // next ';', so the parts are found (mime4j read the boundary as 'q charset="x"').
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", """
          Subject: missing semicolon
          Content-Type: multipart/mixed; boundary="q" charset="x"

          --q
          Content-Type: text/plain

          hi
          --q

          ho
          --q--
          """, Flags.NONE);
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          C: f1 FETCH 1 (BODYSTRUCTURE BODY.PEEK[2])
          S: \\* 1 FETCH \\(BODYSTRUCTURE \\(\\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 2 0 NIL NIL NIL NIL\\)\
          \\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" 2 0 NIL NIL NIL NIL\\) \
          "MIXED" \\("BOUNDARY" "q"\\) NIL NIL NIL\\) BODY\\[2\\] \\{2\\}
          S: ho\\)
          S: f1 OK FETCH completed
          """).run(server.address());
    }
  }

  @Test
  void searchCharsetAcceptsAnyCharsetJavaKnowsAndDecodesTheStringsWithIt() {
    // RFC 3501 section 6.4.4: strings are in the named charset; Dovecot knows ISO-8859-1 and
    // windows-1252 as here. A charset nobody knows still gets NO [BADCHARSET].
    try (LocalImapServer server = LocalImapServer.start(dir);
        Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
      server.deliver("INBOX", """
          Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=
          Content-Type: text/plain; charset=utf-8
          Content-Transfer-Encoding: 8bit

          K\u00f6ln ist sch\u00f6n, 5 \u20ac
          """, Flags.NONE);
      c.run(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          """);
      c.send("b1 SEARCH CHARSET ISO-8859-1 BODY {4+}\r\nK\u00f6ln SUBJECT \"gr\u00fc\"\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      c.run("""
          S: \\* SEARCH 1
          S: b1 OK SEARCH completed
          """);
      c.send(new byte[] {'b', '2', ' ', 'S', 'E', 'A', 'R', 'C', 'H', ' ', 'C', 'H', 'A', 'R', 'S', 'E', 'T',
          ' ', 'w', 'i', 'n', 'd', 'o', 'w', 's', '-', '1', '2', '5', '2', ' ', 'T', 'E', 'X', 'T', ' ',
          '"', '5', ' ', (byte) 0x80, '"', '\r', '\n'});
      c.run("""
          S: \\* SEARCH 1
          S: b2 OK SEARCH completed
          C: b3 SEARCH CHARSET ISO-8859-1 BODY "Berlin"
          S: \\* SEARCH
          S: b3 OK SEARCH completed
          C: b4 SEARCH CHARSET x-no-such-charset BODY koln
          S: b4 NO \\[BADCHARSET.*
          """);
    }
  }

  @Test
  void dispositionParametersShowRfc2231AndRfc2047FileNamesAsDovecotDoes() {
    // Dovecot joins RFC 2231 continuations but decodes nothing: filename* keeps its
    // charset''%XX form and an encoded word stays as written, for the client to decode.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", """
          Subject: attachments
          Content-Type: multipart/mixed; boundary="b"

          --b
          Content-Type: application/pdf; name*=UTF-8''%E2%82%AC%20rates.pdf
          Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf

          x
          --b
          Content-Type: application/pdf
          Content-Disposition: attachment; filename*0="long"; filename*1="name.pdf"; size=3

          x
          --b
          Content-Type: application/pdf
          Content-Disposition: attachment; filename="=?UTF-8?B?w6k=?=.pdf"

          x
          --b--
          """, Flags.NONE);
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          C: f1 FETCH 1 (BODYSTRUCTURE)
          S: \\Q* 1 FETCH (BODYSTRUCTURE (\
          ("APPLICATION" "PDF" ("NAME*" "UTF-8''%E2%82%AC%20rates.pdf") NIL NIL "7BIT" 1 NIL \
          ("ATTACHMENT" ("FILENAME*" "UTF-8''%E2%82%AC%20rates.pdf")) NIL NIL)\
          ("APPLICATION" "PDF" NIL NIL NIL "7BIT" 1 NIL ("ATTACHMENT" ("SIZE" "3" "FILENAME" "longname.pdf")) NIL NIL)\
          ("APPLICATION" "PDF" NIL NIL NIL "7BIT" 1 NIL ("ATTACHMENT" ("FILENAME" "=?UTF-8?B?w6k=?=.pdf")) NIL NIL) \
          "MIXED" ("BOUNDARY" "b") NIL NIL NIL))\\E
          S: f1 OK FETCH completed
          """).run(server.address());
    }
  }

  @Test
  void sentDateSearchesUseTheInternalDateOfAMessageWithoutADateHeader() {
    // RFC 5256 section 2.2's sent date: INTERNALDATE (17-Nov-2026 here) when Date: is missing or
    // unparseable; such messages were never found by SENTON / SENTSINCE before.
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE); // Date: 7 Feb 1994
      server.deliver("INBOX", "Subject: undated\n\nx\n", Flags.NONE);
      server.deliver("INBOX", "Subject: odd date\nDate: the day after tomorrow\n\nx\n", Flags.NONE);
      Transcript.of(LOGIN + """
          C: s1 SELECT INBOX
          S*: \\* .*
          S: s1 OK .*
          C: d1 SEARCH SENTON 17-Nov-2026
          S: \\* SEARCH 2 3
          S: d1 OK SEARCH completed
          C: d2 SEARCH SENTBEFORE 17-Nov-2026
          S: \\* SEARCH 1
          S: d2 OK SEARCH completed
          C: d3 SEARCH SENTSINCE 1-Jan-2000
          S: \\* SEARCH 2 3
          S: d3 OK SEARCH completed
          C: d4 SEARCH SENTSINCE 18-Nov-2026
          S: \\* SEARCH
          S: d4 OK SEARCH completed
          """).run(server.address());
    }
  }

  @Test
  void statusOfANoselectNameLeftByDeleteAnswersNo() {
    // RFC 3501 section 6.3.10 "NO - status failure: no status for that name": the \Noselect name
    // DELETE leaves above a child holds no mailbox (RFC 5819 section 2: LIST-STATUS gives it no
    // STATUS either). Dovecot answers NO; SELECT and APPEND here answer NO [CANNOT], and so now
    // does STATUS, which answered "MESSAGES 0" as if the mailbox were there and empty.
    run("""
        C: c0 CREATE parent
        S: c0 OK .*
        C: c1 CREATE parent/child
        S: c1 OK .*
        C: c2 DELETE parent
        S: c2 OK .*
        C: c3 LIST "" parent
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "parent"
        S: c3 OK LIST completed
        C: c4 STATUS parent (MESSAGES UIDNEXT)
        S: c4 NO \\[CANNOT\\] .*
        C: c5 STATUS parent/child (MESSAGES)
        S: \\* STATUS "parent/child" \\(MESSAGES 0\\)
        S: c5 OK STATUS completed
        """);
  }

  @Test
  void aWellFormedStringThatIsNoValidMailboxNameAnswersNoCannotNotBad() {
    // RFC 3501 section 6.3.3 "NO - create failure: can't create mailbox with that name"; BAD is
    // for a command the server cannot parse, and "" or "a//b" parse as astrings. Dovecot answers
    // NO [CANNOT] "Invalid mailbox name" to every command that names one, APPEND included.
    run("""
        C: c1 CREATE ""
        S: c1 NO \\[CANNOT\\] .*
        C: c2 CREATE "a//b"
        S: c2 NO \\[CANNOT\\] .*
        C: c3 CREATE "/lead"
        S: c3 NO \\[CANNOT\\] .*
        C: c4 CREATE box
        S: c4 OK .*
        C: c5 RENAME box "x//y"
        S: c5 NO \\[CANNOT\\] .*
        C: c6 SELECT ""
        S: c6 NO \\[CANNOT\\] .*
        C: c7 STATUS "a//b" (MESSAGES)
        S: c7 NO \\[CANNOT\\] .*
        C: c8 APPEND "a//b" {3+}
        C: abc
        S: c8 NO \\[CANNOT\\] .*
        C: c9 SELECT box
        S*: \\* .*
        S: c9 OK .*
        C: c10 SELECT ""
        S: \\* OK \\[CLOSED\\] .*
        S: c10 NO \\[CANNOT\\] .*
        C: c11 NOOP
        S: c11 OK .*
        """);
  }

  @Test
  void internalDateKeepsTheAppendedZoneForFetchAndSearch() {
    // RFC 3501 section 6.4.4: BEFORE/ON/SINCE take INTERNALDATE's date "disregarding time and
    // timezone", i.e. in the zone it carries. The dates of Dovecot's imaptest search-intdate, around
    // the EET/EEST change: stored in UTC, 25-Mar 00:00 +0200 would be ON 24-Mar, 26-Mar 00:00 +0300
    // ON 25-Mar, and FETCH would answer +0000 instead of what the client APPENDed.
    List<String> dates = List.of("24-Mar-2007 23:00:00 +0200", "25-Mar-2007 00:00:00 +0200",
        "25-Mar-2007 04:00:00 +0300", "25-Mar-2007 23:00:00 +0300", "26-Mar-2007 00:00:00 +0300");
    StringBuilder appends = new StringBuilder();
    StringBuilder fetched = new StringBuilder();
    for (int i = 0; i < dates.size(); i++) {
      String date = dates.get(i);
      appends.append("""
          C: a%1$d APPEND INBOX "%2$s" {4+}
          C: body
          S: a%1$d OK .*
          """.formatted(i + 1, date));
      // FETCH answers each date as it was APPENDed, zone included
      fetched.append("S: \\* %d FETCH \\(INTERNALDATE \"%s\"\\)\n"
          .formatted(i + 1, date.replace("+", "\\+")));
    }
    run(appends + """
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: f1 FETCH 1:5 INTERNALDATE
        """ + fetched + """
        S: f1 OK .*
        C: q1 SEARCH ON 24-Mar-2007
        S: \\* SEARCH 1
        S: q1 OK .*
        C: q2 SEARCH ON 25-Mar-2007
        S: \\* SEARCH 2 3 4
        S: q2 OK .*
        C: q3 SEARCH ON 26-Mar-2007
        S: \\* SEARCH 5
        S: q3 OK .*
        C: q4 SEARCH BEFORE 25-Mar-2007
        S: \\* SEARCH 1
        S: q4 OK .*
        C: q5 SEARCH SINCE 26-Mar-2007
        S: \\* SEARCH 5
        S: q5 OK .*
        C: c2 COPY 2 Archive
        S: c2 OK .*
        C: s2 SELECT Archive
        S*: \\* .*
        S: s2 OK .*
        C: f2 FETCH 1 INTERNALDATE
        S: \\* 1 FETCH \\(INTERNALDATE "25-Mar-2007 00:00:00 \\+0200"\\)
        S: f2 OK .*
        """);
  }

  @Test
  void anItemAskedForTwiceIsAnsweredOnce() {
    // RFC 3501 section 7.4.2: a FETCH response carries each requested data item; Dovecot answers
    // an item named twice once. BODY.PEEK[x] beside BODY[x] is the same item (with \Seen set).
    runWithInbox("""
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: f1 FETCH 1 (INTERNALDATE RFC822.SIZE INTERNALDATE)
        S: \\* 1 FETCH \\(INTERNALDATE "[^"]+" RFC822.SIZE \\d+\\)
        S: f1 OK FETCH completed
        C: f2 UID FETCH 1 (UID FLAGS UID)
        S: \\* 1 FETCH \\(UID 1 FLAGS \\(\\)\\)
        S: f2 OK FETCH completed
        C: f3 FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] BODY[HEADER.FIELDS (Subject)])
        S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen\\) BODY\\[HEADER.FIELDS \\(Subject\\)\\] \\{\\d+\\}
        S: Subject: afternoon meeting
        S: 
        S: \\)
        S: f3 OK FETCH completed
        """);
  }

  @Test
  void aNulInTheStoredMessageNeverGoesOutInAPlainLiteral() {
    // RFC 3501 section 9 / RFC 9051 section 9: literal = "{" number "}" CRLF *CHAR8, and CHAR8
    // excludes NUL; only a literal8 (~{n}, RFC 3516) may carry one. A message APPENDed with NUL
    // bytes went out raw in BODY[] / RFC822 literals. Dovecot sends 0x80 in their place (the size
    // stays as RFC822.SIZE says) and the NUL itself in BINARY[].
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", "Subject: nul\u0000here\n\nhas a \u0000 nul\n", Flags.NONE);
      try (Transcript.Client c = Transcript.Client.connect(server.address(), Duration.ofSeconds(10))) {
        c.run(LOGIN + """
            C: s1 SELECT INBOX
            S*: \\* .*
            S: s1 OK .*
            """);
        byte[] text = "has a \u0080 nul\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] whole = "Subject: nul\u0080here\r\n\r\nhas a \u0080 nul\r\n".getBytes(StandardCharsets.ISO_8859_1);
        String[][] fetches = {
            {"BODY.PEEK[TEXT]", "BODY[TEXT] {" + text.length + "}"},
            {"BODY.PEEK[1]", "BODY[1] {" + text.length + "}"},
            {"BODY.PEEK[]", "BODY[] {" + whole.length + "}"},
            {"RFC822.TEXT", "FLAGS (\\Seen) RFC822.TEXT {" + text.length + "}"},
            {"BODY.PEEK[TEXT]<4.5>", "BODY[TEXT]<4> {5}"}};
        for (String[] f : fetches) {
          c.send(("f FETCH 1 (" + f[0] + ")\r\n").getBytes(StandardCharsets.US_ASCII));
          assertThat(c.readLine()).isEqualTo("* 1 FETCH (" + f[1]);
          int n = Integer.parseInt(f[1].replaceAll(".*\\{(\\d+)\\}$", "$1"));
          byte[] got = c.readBytes(n);
          byte[] want = f[0].startsWith("BODY.PEEK[]") ? whole
              : f[0].endsWith("<4.5>") ? java.util.Arrays.copyOfRange(text, 4, 9) : text;
          assertThat(got).as(f[0]).isEqualTo(want);
          c.run("""
              S: .*\\)
              S: f OK .*
              """);
        }
        c.send("h FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)])\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] subject = "Subject: nul\u0080here\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(c.readLine()).isEqualTo("* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {" + subject.length + "}");
        assertThat(c.readBytes(subject.length)).isEqualTo(subject);
        c.run("""
            S: \\)
            S: h OK .*
            C: b FETCH 1 (BINARY.PEEK[1])
            S: \\* 1 FETCH \\(BINARY\\[1\\] ~\\{13\\}
            """);
        assertThat(c.readBytes(13)).isEqualTo("has a \u0000 nul\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void appendCopyAndMoveToANoselectNameAnswerTryCreate() {
    // RFC 3501 sections 6.3.11 and 6.4.7: when the destination mailbox does not exist the server
    // MUST send [TRYCREATE] unless it is certain the mailbox can not be created. A \Noselect name
    // left by DELETE holds no mailbox and CREATE makes one of it, so the client is told to CREATE
    // it (Dovecot answers so) rather than NO [CANNOT], after which it gives up.
    runWithInbox("""
        C: c0 CREATE parent
        S: c0 OK .*
        C: c1 CREATE parent/child
        S: c1 OK .*
        C: c2 DELETE parent
        S: c2 OK .*
        C: a1 APPEND parent {5+}
        C: hello
        S: a1 NO \\[TRYCREATE\\] .*
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: p1 COPY 1 parent
        S: p1 NO \\[TRYCREATE\\] .*
        C: m1 MOVE 1 parent
        S: m1 NO \\[TRYCREATE\\] .*
        C: u1 UID COPY 1 parent
        S: u1 NO \\[TRYCREATE\\] .*
        C: c3 CREATE parent
        S: c3 OK .*
        C: p2 COPY 1 parent
        S: p2 OK \\[COPYUID \\d+ 1 1\\] .*
        """);
  }

  @Test
  void anUnknownSearchResultOptionIsBad() {
    // RFC 4731 section 3.1, RFC 4466 section 2.6.1: a result option the server does not know is
    // answered with a tagged BAD (Dovecot does); it was taken for an empty RETURN () and answered
    // ESEARCH. A BAD leaves the saved result (RFC 5182) as it was.
    runWithInbox("""
        C: s1 SELECT INBOX
        S*: \\* .*
        S: s1 OK .*
        C: e1 SEARCH RETURN (SAVE) 2
        S: e1 OK .*
        C: e2 SEARCH RETURN (FOO) ALL
        S: e2 BAD .*
        C: e3 SEARCH RETURN (MIN FOO) ALL
        S: e3 BAD .*
        C: e4 UID SEARCH RETURN (PARTIAL 1:10) ALL
        S: e4 BAD .*
        C: e5 SEARCH RETURN (SAVE FOO) 1
        S: e5 BAD .*
        C: f1 FETCH $ (UID)
        S: \\* 2 FETCH \\(UID 2\\)
        S: f1 OK .*
        C: e6 SEARCH RETURN (min Max count all) ALL
        S: \\* ESEARCH \\(TAG "e6"\\) MIN 1 MAX 2 COUNT 2 ALL 1:2
        S: e6 OK .*
        """);
  }
}

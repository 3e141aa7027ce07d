package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SORT and THREAD (RFC 5256, RFC 5957 DISPLAYFROM / DISPLAYTO) through a real local IMAP session
 * over a socket and a fresh store. INBOX holds five messages whose keys disagree on every order:
 * sequence numbers 1 to 5 are UIDs 2 to 6 (UID 1 was expunged), so UID and sequence forms differ.
 *
 * <pre>
 * n  Date: (UTC)          From:                 To:               Subject:              size  arrival
 * 1  -0800: 08 Feb 05:52  Fred Foobar &lt;foobar@&gt; mooch@             afternoon meeting     2000  +3h
 * 2  08 Feb 03:00         "Ann" &lt;ann@&gt;          alice@ (Cc: Zoë)  Re: afternoon meeting 1000  +1h
 * 3  09 Feb 11:00         bob@example.org       Alice &lt;alice@&gt;   [list] Invoice        3000  +2h
 * 4  none (arrival)       =?utf-8?q?Émile?=     a group, empty    =?utf-8?q?Fwd: invoice? 10  +4h
 * 5  08 Feb 04:00         Carl &lt;carl@&gt;         none              none                  1500  +0h
 * </pre>
 *
 * Threads by reference: 2 answers 1 (In-Reply-To), 3 answers 2 (References: 1 2), 4 and 5 both
 * answer a message the mailbox does not hold.
 */
class LocalImapSortThreadTest {
  @TempDir Path dir;

  private static final Instant ARRIVAL = Instant.parse("2026-11-17T09:00:00Z");

  private static String body(int octets) {
    return ("x".repeat(48) + "\n").repeat(octets / 50);
  }

  static final String M1 = """
      Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
      From: Fred Foobar <foobar@Blurdybloop.example>
      Subject: afternoon meeting
      To: mooch@owatagu.siam.edu.example
      Message-Id: <B27397-0100000@Blurdybloop.example>

      """ + body(2000);

  static final String M2 = """
      Date: Tue, 8 Feb 1994 03:00:00 +0000
      From: "Ann" <ann@example.org>
      To: alice@example.org
      Cc: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>
      Subject: Re: afternoon meeting
      Message-ID: <m2@example.org>
      In-Reply-To: <B27397-0100000@Blurdybloop.example>

      """ + body(1000);

  static final String M3 = """
      Date: Wed, 9 Feb 1994 11:00:00 +0000
      From: bob@example.org
      To: Alice <alice@example.org>
      Subject: [list] Invoice
      Message-ID: <m3@example.org>
      References: <B27397-0100000@Blurdybloop.example>
       <m2@example.org>

      """ + body(3000);

  static final String M4 = """
      From: =?utf-8?q?=C3=89mile?= <emile@example.org>
      To: undisclosed-recipients:;
      Subject: =?utf-8?q?Fwd=3A_invoice?=
      Message-ID: <m4@example.org>
      References: <gone@example.org>

      short
      """;

  static final String M5 = """
      Date: Tue, 8 Feb 1994 04:00:00 +0000
      From: Carl <carl@example.org>
      Message-ID: <m5@example.org>
      References: <gone@example.org>

      """ + body(1500);

  private static final String SELECT = """
      S: \\* OK .*
      C: a LOGIN alice secret
      S: a OK .*
      C: s SELECT INBOX
      S*: \\* .*
      S: s OK .*
      """;

  private void run(String script) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", "Subject: gone\n\nexpunged\n", Flags.of(SystemFlag.DELETED));
      server.store.expunge(server.mailbox("INBOX"), UidSet.all()).block(Duration.ofSeconds(10));
      server.deliverAt("INBOX", M1, Flags.NONE, ARRIVAL.plusSeconds(3 * 3600));
      server.deliverAt("INBOX", M2, Flags.NONE, ARRIVAL.plusSeconds(3600));
      server.deliverAt("INBOX", M3, Flags.NONE, ARRIVAL.plusSeconds(2 * 3600));
      server.deliverAt("INBOX", M4, Flags.NONE, ARRIVAL.plusSeconds(4 * 3600));
      server.deliverAt("INBOX", M5, Flags.of(SystemFlag.SEEN), ARRIVAL);
      Transcript.of(SELECT + script).run(server.address());
    }
  }

  @Test
  void postLoginCapabilityAdvertisesSortAndThread() {
    run("""
        C: c CAPABILITY
        S: \\* CAPABILITY .* SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES
        S: c OK .*
        """);
  }

  @Test
  void eachSortKeyOrdersByItsRuleAndTiesByMailboxOrder() {
    run("""
        C: 1 SORT (ARRIVAL) UTF-8 ALL
        S: \\* SORT 5 2 3 1 4
        S: 1 OK SORT completed
        C: 2 SORT (SIZE) UTF-8 ALL
        S: \\* SORT 4 2 5 1 3
        S: 2 OK SORT completed
        C: 3 SORT (SUBJECT) UTF-8 ALL
        S: \\* SORT 5 1 2 3 4
        S: 3 OK SORT completed
        C: 4 SORT (FROM) UTF-8 ALL
        S: \\* SORT 2 3 5 4 1
        S: 4 OK SORT completed
        C: 5 SORT (TO) UTF-8 ALL
        S: \\* SORT 4 5 2 3 1
        S: 5 OK SORT completed
        C: 6 SORT (CC) UTF-8 ALL
        S: \\* SORT 1 3 4 5 2
        S: 6 OK SORT completed
        C: 7 SORT (DISPLAYFROM) UTF-8 ALL
        S: \\* SORT 2 3 5 1 4
        S: 7 OK SORT completed
        C: 8 SORT (DISPLAYTO) UTF-8 ALL
        S: \\* SORT 4 5 3 2 1
        S: 8 OK SORT completed
        """);
  }

  @Test
  void dateSortsByTheSentInstantInUtcAndFallsBackOnArrival() {
    // 1's Date: is 7 Feb 21:52 -0800, 8 Feb 05:52 UTC: after 2 and 5. 4 has no Date: and sorts by
    // its 2026 arrival, last, not first.
    run("""
        C: 1 SORT (DATE) UTF-8 ALL
        S: \\* SORT 2 5 1 3 4
        S: 1 OK SORT completed
        C: 2 SORT (REVERSE DATE) US-ASCII ALL
        S: \\* SORT 4 3 1 5 2
        S: 2 OK SORT completed
        """);
  }

  @Test
  void reverseAndLaterCriteriaCombine() {
    run("""
        C: 1 SORT (SUBJECT REVERSE DATE) UTF-8 ALL
        S: \\* SORT 5 1 2 4 3
        S: 1 OK SORT completed
        C: 2 SORT (REVERSE SUBJECT) UTF-8 ALL
        S: \\* SORT 3 4 1 2 5
        S: 2 OK SORT completed
        """);
  }

  @Test
  void uidSortAnswersUidsAndSearchCriteriaNarrowTheMessages() {
    run("""
        C: 1 UID SORT (DATE) UTF-8 ALL
        S: \\* SORT 3 6 2 4 5
        S: 1 OK SORT completed
        C: 2 SORT (DATE) UTF-8 FROM example.org
        S: \\* SORT 2 5 3 4
        S: 2 OK SORT completed
        C: 3 UID SORT (SIZE) UTF-8 UNSEEN 2:4
        S: \\* SORT 5 3 4
        S: 3 OK SORT completed
        C: 4 SORT (DATE) UTF-8 SUBJECT "no such subject"
        S: \\* SORT
        S: 4 OK SORT completed
        """);
  }

  @Test
  void sortUsesTheSavedSearchResult() {
    run("""
        C: 1 SEARCH RETURN (SAVE) FROM example.org
        S: 1 OK .*
        C: 2 SORT (REVERSE SIZE) UTF-8 $
        S: \\* SORT 3 5 2 4
        S: 2 OK SORT completed
        """);
  }

  @Test
  void sortWithModSeqReportsTheHighestModSeq() {
    run("""
        C: 1 SORT (SIZE) UTF-8 MODSEQ 1
        S: \\* OK \\[HIGHESTMODSEQ \\d+\\] .*
        S: \\* SORT 4 2 5 1 3 \\(MODSEQ \\d+\\)
        S: 1 OK SORT completed
        """);
  }

  @Test
  void threadOrderedSubjectGroupsByBaseSubjectUnderTheEarliest() {
    run("""
        C: 1 THREAD ORDEREDSUBJECT UTF-8 ALL
        S: \\* THREAD \\(2 1\\)\\(5\\)\\(3 4\\)
        S: 1 OK THREAD completed
        C: 2 UID THREAD ORDEREDSUBJECT UTF-8 ALL
        S: \\* THREAD \\(3 2\\)\\(6\\)\\(4 5\\)
        S: 2 OK THREAD completed
        """);
  }

  @Test
  void threadReferencesFollowsInReplyToAndReferencesWithADummyForTheMissingParent() {
    run("""
        C: 1 THREAD REFERENCES UTF-8 ALL
        S: \\* THREAD \\(\\(5\\)\\(4\\)\\)\\(1 2 3\\)
        S: 1 OK THREAD completed
        C: 2 UID THREAD REFERENCES UTF-8 ALL
        S: \\* THREAD \\(\\(6\\)\\(5\\)\\)\\(2 3 4\\)
        S: 2 OK THREAD completed
        """);
  }

  @Test
  void threadThreadsOnlyTheMessagesTheSearchFinds() {
    // Without 5, 4 is the missing parent's only child and takes its place.
    run("""
        C: 1 THREAD REFERENCES UTF-8 NOT FROM carl
        S: \\* THREAD \\(1 2 3\\)\\(4\\)
        S: 1 OK THREAD completed
        C: 2 THREAD REFERENCES UTF-8 SUBJECT "no such subject"
        S: \\* THREAD
        S: 2 OK THREAD completed
        """);
  }

  @Test
  void badInputGetsTheStandardRepliesAndTheSessionCarriesOn() {
    run("""
        C: 1 SORT (DATE) X-NO-SUCH-CHARSET ALL
        S: 1 NO \\[BADCHARSET \\(UTF-8 US-ASCII\\)\\] .*
        C: 2 THREAD REFERENCES X-NO-SUCH-CHARSET ALL
        S: 2 NO \\[BADCHARSET \\(UTF-8 US-ASCII\\)\\] .*
        C: 3 SORT (NAME) UTF-8 ALL
        S: 3 BAD .*
        C: 4 THREAD REFS UTF-8 ALL
        S: 4 BAD .*
        C: 5 UID SORT DATE UTF-8 ALL
        S: 5 BAD .*
        C: 6 SORT (DATE) UTF-8 FROBNICATE
        S: 6 BAD .*
        C: 7 SORT (ARRIVAL) UTF-8 ALL
        S: \\* SORT 5 2 3 1 4
        S: 7 OK SORT completed
        """);
  }

  @Test
  void sortAndThreadNeedASelectedMailbox() {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      Transcript.of("""
          S: \\* OK .*
          C: a LOGIN alice secret
          S: a OK .*
          C: b SORT (DATE) UTF-8 ALL
          S: b BAD .*
          C: c UID THREAD REFERENCES UTF-8 ALL
          S: c BAD .*
          C: d LOGOUT
          S: \\* BYE .*
          S: d OK .*
          """).run(server.address());
    }
  }
}

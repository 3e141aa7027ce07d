package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What FETCH BODY[section] and BINARY[section] address (RFC 3501 section 6.4.5, RFC 3516), each
 * checked against Dovecot's answers and the imaptest scripts named, over a real socket against a
 * started listener and a fresh store.
 */
class LocalImapSectionsTest {
  @TempDir Path dir;

  private static final String SELECT = """
      S: \\* OK .*
      C: a LOGIN alice secret
      S: a OK .*
      C: s SELECT INBOX
      S*: \\* .*
      S: s OK .*
      """;

  /** imaptest fetch-body-message-rfc822: the message's own body is a message/rfc822. */
  static final String FORWARDED = """
      From: user@domain.org
      Date: Sat, 24 Mar 2007 23:00:00 +0200
      Mime-Version: 1.0
      Content-Type: message/rfc822

      From: sub@domain.org
      Date: Sun, 12 Aug 2012 12:34:56 +0300
      Subject: submsg

      Hello world
      """;

  /** A message/rfc822 inside a multipart inside a multipart: part 2.1. */
  static final String NESTED = """
      From: user@domain.org
      Mime-Version: 1.0
      Content-Type: multipart/mixed; boundary="foo"

      --foo
      Content-Type: text/plain

      hello
      --foo
      Content-Type: multipart/alternative; boundary="bar"

      --bar
      Content-Type: message/rfc822

      From: sub@domain.org
      Subject: nested

      Nested body
      --bar
      Content-Type: text/plain

      alt
      --bar--
      --foo--
      """;

  private void run(String script, String... messages) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      for (String m : messages) {
        server.deliver("INBOX", m, Flags.NONE);
      }
      Transcript.of(SELECT + script).run(server.address());
    }
  }

  @Test
  void headerAndTextOfAMessageWhoseBodyIsAMessageRfc822AreItsOwn() {
    // RFC 3501 section 6.4.5: HEADER and TEXT of the message; 1.HEADER / 1.TEXT are those of
    // the encapsulated message. imaptest fetch-body-message-rfc822, as Dovecot answers.
    run("""
        C: f1 FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT])
        S: \\* 1 FETCH \\(BODY\\[HEADER\\] \\{113\\}
        S: From: user@domain.org
        S: Date: Sat, 24 Mar 2007 23:00:00 \\+0200
        S: Mime-Version: 1.0
        S: Content-Type: message/rfc822
        S:
        S:  BODY\\[TEXT\\] \\{93\\}
        S: From: sub@domain.org
        S: Date: Sun, 12 Aug 2012 12:34:56 \\+0300
        S: Subject: submsg
        S:
        S: Hello world
        S: \\)
        S: f1 OK .*
        C: f2 FETCH 1 (RFC822.HEADER BODY.PEEK[1.HEADER.FIELDS (SUBJECT)] BODY.PEEK[1.TEXT])
        S: \\* 1 FETCH \\(RFC822.HEADER \\{113\\}
        S: From: user@domain.org
        S*: [A-Z][A-Za-z-]+: .*
        S:
        S:  BODY\\[1.HEADER.FIELDS \\(SUBJECT\\)\\] \\{19\\}
        S: Subject: submsg
        S:
        S:  BODY\\[1.TEXT\\] \\{13\\}
        S: Hello world
        S: \\)
        S: f2 OK .*
        """, FORWARDED);
  }

  @Test
  void headerAndTextOfAMessageRfc822PartInsideMultipartsAddressTheEncapsulatedMessage() {
    run("""
        C: f1 FETCH 1 (BODY.PEEK[2.1.HEADER] BODY.PEEK[2.1.TEXT] BODY.PEEK[2.1.MIME] BODY.PEEK[2.HEADER])
        S: \\* 1 FETCH \\(BODY\\[2.1.HEADER\\] \\{41\\}
        S: From: sub@domain.org
        S: Subject: nested
        S:
        S:  BODY\\[2.1.TEXT\\] \\{11\\}
        S: Nested body BODY\\[2.1.MIME\\] \\{32\\}
        S: Content-Type: message/rfc822
        S:
        S:  BODY\\[2.HEADER\\] \\{0\\}
        S: \\)
        S: f1 OK .*
        """, NESTED);
  }

  @Test
  void searchOfHeadersReadsTheMessagesOwnHeaderAndTextAlsoTheEncapsulatedOne() {
    // As Dovecot: SUBJECT / HEADER look at the top-level header only; TEXT finds the header of
    // the encapsulated message, which is body text of the message around it.
    run("""
        C: f1 SEARCH SUBJECT submsg
        S: \\* SEARCH
        S: f1 OK .*
        C: f2 SEARCH HEADER DATE 2012
        S: \\* SEARCH
        S: f2 OK .*
        C: f5 SEARCH HEADER DATE 2007
        S: \\* SEARCH 1
        S: f5 OK .*
        C: f3 SEARCH TEXT "Subject: nested"
        S: \\* SEARCH 2
        S: f3 OK .*
        C: f4 SEARCH TEXT submsg
        S: \\* SEARCH 1
        S: f4 OK .*
        """, FORWARDED, NESTED);
  }

  @Test
  void partialWithAnOffsetAloneFetchesTheRestOfTheSection() {
    // Not in RFC 3501's request grammar (only "<" number "." nz-number ">"), but Dovecot answers
    // it and imaptest fetch-binary-mime-qp sends BINARY.PEEK[1]<40>. A zero length stays BAD.
    run("""
        C: f1 FETCH 1 (BODY.PEEK[]<100> BODY.PEEK[TEXT]<90> BINARY.PEEK[1]<80>)
        S: \\* 1 FETCH \\(BODY\\[\\]<100> \\{106\\}
        S: ge/rfc822
        S:
        S: From: sub@domain.org
        S: Date: Sun, 12 Aug 2012 12:34:56 \\+0300
        S: Subject: submsg
        S:
        S: Hello world
        S:  BODY\\[TEXT\\]<90> \\{3\\}
        S: d
        S:  BINARY\\[1\\]<80> ~\\{13\\}
        S: Hello world
        S: \\)
        S: f1 OK .*
        C: f2 FETCH 1 (BODY.PEEK[1.HEADER.FIELDS (SUBJECT)]<3> BODY.PEEK[]<500>)
        S: \\* 1 FETCH \\(BODY\\[1.HEADER.FIELDS \\(SUBJECT\\)\\]<3> \\{16\\}
        S: ject: submsg
        S:
        S:  BODY\\[\\]<500> \\{0\\}
        S: \\)
        S: f2 OK .*
        C: f3 FETCH 1 (BODY.PEEK[]<5.0>)
        S: f3 BAD .*
        """, FORWARDED);
  }

  /**
   * A part with a header and no blank line before the next boundary: the line break before the
   * boundary belongs to the boundary (RFC 2046 section 5.1.1), so BODY[1.MIME] is the 42 bytes of
   * the header line without it, and the body is empty, as Dovecot answers (we sent 44).
   */
  @Test
  void theMimeHeaderOfAPartEndedByABoundaryLeavesTheLineBreakToTheBoundary() {
    String headerOnly = """
        From: user@domain.org
        Mime-Version: 1.0
        Content-Type: multipart/mixed; boundary="foo"

        --foo
        Content-Type: text/plain; charset=us-ascii
        --foo
        Content-Type: text/plain

        second
        --foo--
        """;
    run("""
        C: f1 FETCH 1 (BODY.PEEK[1.MIME] BODY.PEEK[1] BODY.PEEK[2.MIME])
        S: \\* 1 FETCH \\(BODY\\[1.MIME\\] \\{42\\}
        S: Content-Type: text/plain; charset=us-ascii BODY\\[1\\] \\{0\\}
        S:  BODY\\[2.MIME\\] \\{28\\}
        S: Content-Type: text/plain
        S:
        S: \\)
        S: f1 OK .*
        """, headerOnly);
  }

  /**
   * A base64 part, and a message/rfc822 part whose own body is base64: which BINARY sections are
   * decoded shows.
   */
  static final String ENCODED = """
      From: user@domain.org
      Subject: binary sections
      Mime-Version: 1.0
      Content-Type: multipart/mixed; boundary="foo"

      Prologue
      --foo
      Content-Type: text/plain
      Content-Transfer-Encoding: base64

      aGVsbG8=
      --foo
      Content-Type: message/rfc822

      From: sub@domain.org
      Subject: inner
      X-Foo: bar
      Content-Transfer-Encoding: base64

      SW5uZXI=
      --foo--
      """;

  /** A part whose Content-Transfer-Encoding BINARY cannot undo (RFC 3516 section 4.3). */
  static final String UUENCODED = """
      From: a@example.org
      Mime-Version: 1.0
      Content-Type: multipart/mixed; boundary=x

      --x
      Content-Type: text/plain
      Content-Transfer-Encoding: x-uuencode

      begin 644 x
      --x--
      """;

  @Test
  void binaryTakesBodysSectionTextFormsAndSendsTheirOctetsUndecoded() {
    // Beyond RFC 3516's section-binary, as Dovecot accepts (imaptest fetch-binary-mime). TEXT,
    // HEADER, HEADER.FIELDS[.NOT] and MIME are BODY[section]'s octets: 2.TEXT stays base64.
    // The section is named as the client wrote it, as BODY's is.
    run("""
        C: f1 FETCH 1 (BINARY.SIZE[TEXT] BINARY.PEEK[TEXT]<0.20>)
        S: \\* 1 FETCH \\(BINARY.SIZE\\[TEXT\\] 235 BINARY\\[TEXT\\]<0> ~\\{20\\}
        S: Prologue
        S: --foo
        S: Con\\)
        S: f1 OK .*
        C: f2 FETCH 1 (binary.peek[2.header.fields (subject X-foo)] BINARY.SIZE[2.HEADER.FIELDS (subject X-foo)] BINARY.SIZE[2.HEADER.FIELDS.NOT (subject X-foo)])
        S: \\* 1 FETCH \\(BINARY\\[2.HEADER.FIELDS \\(subject X-foo\\)\\] ~\\{30\\}
        S: Subject: inner
        S: X-Foo: bar
        S:
        S: \\sBINARY.SIZE\\[2.HEADER.FIELDS \\(subject X-foo\\)\\] 30 BINARY.SIZE\\[2.HEADER.FIELDS.NOT \\(subject X-foo\\)\\] 59\\)
        S: f2 OK .*
        C: f3 FETCH 1 (BINARY.PEEK[2.HEADER.FIELDS.NOT (subject X-foo)] BINARY.SIZE[2.HEADER] BINARY.PEEK[2.TEXT] BINARY.SIZE[2.TEXT])
        S: \\* 1 FETCH \\(BINARY\\[2.HEADER.FIELDS.NOT \\(subject X-foo\\)\\] ~\\{59\\}
        S: From: sub@domain.org
        S: Content-Transfer-Encoding: base64
        S:
        S: \\sBINARY.SIZE\\[2.HEADER\\] 87 BINARY\\[2.TEXT\\] ~\\{8\\}
        S: SW5uZXI= BINARY.SIZE\\[2.TEXT\\] 8\\)
        S: f3 OK .*
        C: f4 FETCH 1 (BINARY.PEEK[HEADER] BINARY.SIZE[HEADER])
        S: \\* 1 FETCH \\(BINARY\\[HEADER\\] ~\\{117\\}
        S: From: user@domain.org
        S: Subject: binary sections
        S: Mime-Version: 1.0
        S: Content-Type: multipart/mixed; boundary="foo"
        S:
        S: \\sBINARY.SIZE\\[HEADER\\] 117\\)
        S: f4 OK .*
        """, ENCODED);
  }

  @Test
  void binaryOfAPartsMimeHeaderIsUndecodedWhileThePartsOwnBodyIsDecoded() {
    run("""
        C: f1 FETCH 1 (BINARY.PEEK[1.MIME] BINARY.SIZE[1.MIME] BINARY.PEEK[1] BINARY.SIZE[1])
        S: \\* 1 FETCH \\(BINARY\\[1.MIME\\] ~\\{63\\}
        S: Content-Type: text/plain
        S: Content-Transfer-Encoding: base64
        S:
        S: \\sBINARY.SIZE\\[1.MIME\\] 63 BINARY\\[1\\] ~\\{5\\}
        S: hello BINARY.SIZE\\[1\\] 5\\)
        S: f1 OK .*
        C: f2 FETCH 1 (BINARY.PEEK[2.HEADER]<5.10> BINARY.PEEK[2.HEADER.FIELDS (X-Foo)]<3>)
        S: \\* 1 FETCH \\(BINARY\\[2.HEADER\\]<5> ~\\{10\\}
        S:  sub@domai BINARY\\[2.HEADER.FIELDS \\(X-Foo\\)\\]<3> ~\\{11\\}
        S: oo: bar
        S:
        S: \\)
        S: f2 OK .*
        """, ENCODED);
  }

  @Test
  void binaryOfASectionTextWithoutPeekSetsSeenAndWithPeekDoesNot() {
    // RFC 3516 section 4.2: BINARY sets \Seen as BODY[] does; the extended sections alike.
    run("""
        C: f1 FETCH 1 (BINARY.PEEK[2.MIME])
        S: \\* 1 FETCH \\(BINARY\\[2.MIME\\] ~\\{32\\}
        S: Content-Type: message/rfc822
        S:
        S: \\)
        S: f1 OK .*
        C: f2 FETCH 1 (FLAGS)
        S: \\* 1 FETCH \\(FLAGS \\(\\)\\)
        S: f2 OK .*
        C: f3 FETCH 1 (BINARY[2.MIME])
        S: \\* 1 FETCH \\(FLAGS \\(\\\\Seen\\) BINARY\\[2.MIME\\] ~\\{32\\}
        S: Content-Type: message/rfc822
        S:
        S: \\)
        S: f3 OK .*
        """, ENCODED);
  }

  @Test
  void unknownCteRefusesThePartsBodyButNotItsMimeHeaderNorATopLevelMime() {
    // RFC 3516 section 4.3 holds for part numbers; the MIME header has nothing to decode (as
    // Dovecot answers). BINARY[MIME] without a part stays BAD, as BODY[MIME] and Dovecot's.
    run("""
        C: f1 FETCH 1 (BINARY.PEEK[1])
        S: f1 NO \\[UNKNOWN-CTE\\] .*
        C: f2 FETCH 1 (BINARY.SIZE[1])
        S: f2 NO \\[UNKNOWN-CTE\\] .*
        C: f3 FETCH 1 (BINARY.PEEK[1.MIME] BINARY.SIZE[1.MIME])
        S: \\* 1 FETCH \\(BINARY\\[1.MIME\\] ~\\{67\\}
        S: Content-Type: text/plain
        S: Content-Transfer-Encoding: x-uuencode
        S:
        S: \\sBINARY.SIZE\\[1.MIME\\] 67\\)
        S: f3 OK .*
        C: f4 FETCH 1 (BINARY.PEEK[MIME])
        S: f4 BAD .*
        C: f5 FETCH 1 (BINARY.PEEK[3.MIME] BINARY.SIZE[1.HEADER] BINARY.PEEK[1.TEXT])
        S: \\* 1 FETCH \\(BINARY\\[3.MIME\\] ~\\{0\\}
        S: \\sBINARY.SIZE\\[1.HEADER\\] 0 BINARY\\[1.TEXT\\] ~\\{0\\}
        S: \\)
        S: f5 OK .*
        """, UUENCODED);
  }

  @Test
  void binaryOfANestedMessageRfc822PartIsWholeAndItsTextIsItsBody() {
    run("""
        C: f1 FETCH 1 (BINARY.PEEK[2.1.TEXT]<0.4> BINARY.SIZE[2.1.TEXT])
        S: \\* 1 FETCH \\(BINARY\\[2.1.TEXT\\]<0> ~\\{4\\}
        S: Nest BINARY.SIZE\\[2.1.TEXT\\] 11\\)
        S: f1 OK .*
        C: f2 FETCH 1 (BINARY.PEEK[2.1] BINARY.SIZE[2.1] FLAGS)
        S: \\* 1 FETCH \\(BINARY\\[2.1\\] ~\\{52\\}
        S: From: sub@domain.org
        S: Subject: nested
        S:
        S: Nested body BINARY.SIZE\\[2.1\\] 52 FLAGS \\(\\)\\)
        S: f2 OK .*
        """, NESTED);
  }

  @Test
  void binaryOfAQuotedPrintablePartDropsWhiteSpaceTrailingItsLines() {
    // RFC 2045 section 6.7 rule (3); the same bytes as Dovecot's BINARY[1].
    String qp = """
        From: a@example.org
        MIME-Version: 1.0
        Content-Type: text/plain
        Content-Transfer-Encoding: quoted-printable

        hello \t
        foo=09bar\s\s
        soft =\s
        break, end\s""";
    run("""
        C: f1 FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])
        S: \\* 1 FETCH \\(BINARY\\[1\\] ~\\{31\\}
        S: hello
        S: foo\tbar
        S: soft break, end BINARY.SIZE\\[1\\] 31\\)
        S: f1 OK .*
        """, qp);
  }
}

package dev.mailgate.mailbox.mime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.ByteRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StructureParserTest {
  static final String NESTED = String.join("\r\n",
      "From: =?UTF-8?B?SsO2cmc=?= <joerg@example.com>",
      "To: \"Doe, Jane\" <jane@example.org>, team: a@x.org, b@y.org;, bob@example.net",
      "Cc: undisclosed-recipients:;",
      "Subject: =?ISO-8859-1?Q?caf=E9?= and",
      " more",
      "Date: Tue, 5 Mar 2024 10:00:00 +0100",
      "Message-ID: <m1@example.com>",
      "In-Reply-To: <m0@example.com>",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=\"outer\"",
      "",
      "preamble",
      "--outer",
      "Content-Type: multipart/alternative; boundary=inner",
      "",
      "--inner",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "plain line 1",
      "plain line 2",
      "--inner",
      "Content-Type: text/html",
      "Content-Language: en, de",
      "",
      "<p>html</p>",
      "--inner--",
      "",
      "--outer",
      "Content-Type: message/rfc822",
      "Content-Disposition: attachment; filename=fwd.eml",
      "",
      "From: carol@example.com",
      "Subject: inner",
      "",
      "forwarded body",
      "--outer",
      "Content-Type: application/octet-stream; name=\"a.bin\"",
      "Content-ID: <part3@example.com>",
      "Content-Description: some bytes",
      "Content-Transfer-Encoding: base64",
      "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
      "Content-Location: http://example.com/a.bin",
      "",
      "AAECAw==",
      "--outer--",
      "epilogue",
      "");

  static MessageStructure parse(String msg) throws IOException {
    return new StructureParser(64 * 1024).parse(
        new ByteArrayInputStream(msg.getBytes(StandardCharsets.UTF_8)));
  }

  static String slice(String msg, ByteRange r) {
    byte[] b = msg.getBytes(StandardCharsets.UTF_8);
    return new String(b, (int) r.offset(), (int) r.length(), StandardCharsets.UTF_8);
  }

  @Test
  void envelopeKeepsEncodedWordsRawAndFlattensGroups() throws IOException {
    Envelope e = parse(NESTED).envelope();
    assertThat(e.subject()).isEqualTo("=?ISO-8859-1?Q?caf=E9?= and more");
    assertThat(e.date()).isEqualTo("Tue, 5 Mar 2024 10:00:00 +0100");
    assertThat(e.messageId()).isEqualTo("<m1@example.com>");
    assertThat(e.inReplyTo()).isEqualTo("<m0@example.com>");
    assertThat(e.from()).containsExactly(new EnvelopeAddress("=?UTF-8?B?SsO2cmc=?=", null, "joerg", "example.com"));
    assertThat(e.sender()).isEqualTo(e.from());
    assertThat(e.replyTo()).isEqualTo(e.from());
    assertThat(e.to()).containsExactly(
        new EnvelopeAddress("Doe, Jane", null, "jane", "example.org"),
        EnvelopeAddress.groupStart("team"),
        new EnvelopeAddress(null, null, "a", "x.org"),
        new EnvelopeAddress(null, null, "b", "y.org"),
        EnvelopeAddress.groupEnd(),
        new EnvelopeAddress(null, null, "bob", "example.net"));
    assertThat(e.cc()).containsExactly(EnvelopeAddress.groupStart("undisclosed-recipients"), EnvelopeAddress.groupEnd());
    assertThat(e.bcc()).isEmpty();
    assertThat(parse(NESTED).sentDate()).isPresent();
  }

  @Test
  void sentInstantAppliesTheZoneOfDateWhereSentDateKeepsTheTimeAsWritten() throws IOException {
    // RFC 5256 section 2.2's example: SORT compares instants; SEARCH SENT* compare written dates.
    MessageStructure s = parse("Date: Sun, 31 Dec 2000 16:01:33 -0800\r\nSubject: x\r\n\r\nbody\r\n");
    assertThat(s.sentInstant()).contains(java.time.Instant.parse("2001-01-01T00:01:33Z"));
    assertThat(s.sentDate()).contains(java.time.Instant.parse("2000-12-31T16:01:33Z"));
    assertThat(parse("Date: Sun, 31 Dec 2000 16:01:33 +0130\r\n\r\nx\r\n").sentInstant())
        .contains(java.time.Instant.parse("2000-12-31T14:31:33Z"));
    assertThat(parse("Subject: x\r\n\r\nbody\r\n").sentInstant()).isEmpty();
  }

  @Test
  void bodyStructureTreeHasTypesParamsAndExtensionData() throws IOException {
    MessageStructure s = parse(NESTED);
    BodyPart root = s.root();
    assertThat(root.type() + "/" + root.subtype()).isEqualTo("multipart/mixed");
    assertThat(root.boundary()).isEqualTo("outer");
    assertThat(root.children()).hasSize(3);
    BodyPart alt = root.children().get(0);
    assertThat(alt.subtype()).isEqualTo("alternative");
    BodyPart plain = alt.children().get(0);
    assertThat(plain.params()).containsEntry("charset", "utf-8");
    assertThat(plain.encoding()).isEqualTo("quoted-printable");
    // "plain line 1\r\nplain line 2": the break before "--inner" is the boundary's
    assertThat(plain.lines()).isEqualTo(1);
    assertThat(alt.children().get(1).language()).containsExactly("en", "de");
    BodyPart rfc822 = root.children().get(1);
    assertThat(rfc822.isMessage()).isTrue();
    assertThat(rfc822.disposition()).isEqualTo("attachment");
    assertThat(rfc822.dispositionParams()).containsEntry("filename", "fwd.eml");
    assertThat(rfc822.envelope().subject()).isEqualTo("inner");
    // "From..\r\nSubject..\r\n\r\nforwarded body": the break before "--outer" is the boundary's
    assertThat(rfc822.lines()).isEqualTo(3);
    BodyPart bin = root.children().get(2);
    assertThat(bin.id()).isEqualTo("<part3@example.com>");
    assertThat(bin.description()).isEqualTo("some bytes");
    assertThat(bin.md5()).isEqualTo("Q2hlY2sgSW50ZWdyaXR5IQ==");
    assertThat(bin.location()).isEqualTo("http://example.com/a.bin");
    assertThat(bin.params()).containsEntry("name", "a.bin");
    assertThat(s.size()).isEqualTo(NESTED.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void offsetsServeSectionsWithoutReparsing() throws IOException {
    MessageStructure s = parse(NESTED);
    assertThat(slice(NESTED, MessageStructure.content(s.part(1, 1).orElseThrow())))
        .isEqualTo("plain line 1\r\nplain line 2");
    assertThat(slice(NESTED, MessageStructure.mime(s.part(1, 2).orElseThrow())))
        .isEqualTo("Content-Type: text/html\r\nContent-Language: en, de\r\n\r\n");
    assertThat(slice(NESTED, MessageStructure.content(s.part(1, 2).orElseThrow()))).isEqualTo("<p>html</p>");
    BodyPart fwd = s.part(2).orElseThrow();
    assertThat(slice(NESTED, MessageStructure.content(fwd)))
        .isEqualTo("From: carol@example.com\r\nSubject: inner\r\n\r\nforwarded body");
    assertThat(slice(NESTED, MessageStructure.header(fwd)))
        .isEqualTo("From: carol@example.com\r\nSubject: inner\r\n\r\n");
    assertThat(slice(NESTED, MessageStructure.text(fwd))).isEqualTo("forwarded body");
    assertThat(slice(NESTED, MessageStructure.content(s.part(2, 1).orElseThrow()))).isEqualTo("forwarded body");
    assertThat(slice(NESTED, MessageStructure.content(s.part(3).orElseThrow()))).isEqualTo("AAECAw==");
    assertThat(slice(NESTED, MessageStructure.header(s.root()))).startsWith("From: ").endsWith("boundary=\"outer\"\r\n\r\n");
    assertThat(slice(NESTED, MessageStructure.text(s.root()))).startsWith("preamble\r\n--outer").endsWith("epilogue\r\n");
    assertThat(s.part(4)).isEmpty();
    assertThat(s.part(1, 3)).isEmpty();
  }

  @Test
  void singlePartMessageHasPartOneAsItsBodyAndDefaults() throws IOException {
    String msg = "Subject: plain\n\nline one\nline two\n";
    MessageStructure s = parse(msg);
    assertThat(s.root().type() + "/" + s.root().subtype()).isEqualTo("text/plain");
    assertThat(s.root().params()).containsEntry("charset", "us-ascii");
    assertThat(s.root().encoding()).isEqualTo("7bit");
    assertThat(s.root().lines()).isEqualTo(2);
    assertThat(slice(msg, MessageStructure.content(s.part(1).orElseThrow()))).isEqualTo("line one\nline two\n");
  }

  @Test
  void boundaryFollowedByAParameterWithoutASemicolonStillSplitsTheParts() throws IOException {
    // mime4j read the boundary as 'q charset="x"' and found no part; Dovecot ends it at the quote
    String msg = "Content-Type: multipart/mixed; boundary=\"q\" charset=\"x\"\r\n\r\n"
        + "--q\r\nContent-Type: text/plain\r\n\r\nhi\r\n--q\r\n\r\nho\r\n--q--\r\n";
    MessageStructure s = parse(msg);
    assertThat(s.root().params()).containsExactly(java.util.Map.entry("boundary", "q"));
    assertThat(s.root().children()).hasSize(2);
    assertThat(slice(msg, MessageStructure.content(s.part(2).orElseThrow()))).isEqualTo("ho");
  }

  @Test
  void aPartHeaderEndedByABoundaryLeavesItsLastLineBreakToTheBoundary() throws IOException {
    // RFC 2046 section 5.1.1: the CRLF before a boundary is the boundary's; Dovecot's 1.MIME is
    // the header line without it, and the part has no body
    String msg = "Content-Type: multipart/mixed; boundary=q\r\n\r\n"
        + "--q\r\nContent-Type: text/plain; charset=us-ascii\r\n--q\r\n\r\nho\r\n--q--\r\n";
    MessageStructure s = parse(msg);
    BodyPart one = s.part(1).orElseThrow();
    assertThat(slice(msg, MessageStructure.mime(one)))
        .isEqualTo("Content-Type: text/plain; charset=us-ascii");
    assertThat(MessageStructure.content(one).length()).isZero();
    assertThat(one.lines()).isZero();
    assertThat(slice(msg, MessageStructure.content(s.part(2).orElseThrow()))).isEqualTo("ho");
  }

  @Test
  void topLevelMessageRfc822HasTheEncapsulatedMessageAsPartOne() throws IOException {
    String msg = "From: a@b.c\r\nContent-Type: message/rfc822\r\n\r\n"
        + "Subject: inner only\r\nContent-Type: text/plain\r\n\r\nhi\r\n";
    MessageStructure s = parse(msg);
    BodyPart one = s.part(1).orElseThrow();
    assertThat(slice(msg, MessageStructure.content(one)))
        .isEqualTo("Subject: inner only\r\nContent-Type: text/plain\r\n\r\nhi\r\n");
    assertThat(slice(msg, MessageStructure.mime(one)))
        .isEqualTo("From: a@b.c\r\nContent-Type: message/rfc822\r\n\r\n");
    assertThat(slice(msg, MessageStructure.header(one)))
        .isEqualTo("Subject: inner only\r\nContent-Type: text/plain\r\n\r\n");
    assertThat(slice(msg, MessageStructure.text(one))).isEqualTo("hi\r\n");
    assertThat(slice(msg, MessageStructure.content(s.part(1, 1).orElseThrow()))).isEqualTo("hi\r\n");
    assertThat(s.part(2)).isEmpty();
  }

  @Test
  void topLevelMessageRfc822HeaderAndTextAreTheOuterMessagesOwn() throws IOException {
    // BODY[HEADER] / BODY[TEXT] address the message itself; "1.HEADER" / "1.TEXT" the one inside.
    String msg = "From: a@b.c\r\nContent-Type: message/rfc822\r\n\r\n"
        + "Subject: inner only\r\n\r\nhi\r\n";
    MessageStructure s = parse(msg);
    assertThat(slice(msg, s.header())).isEqualTo("From: a@b.c\r\nContent-Type: message/rfc822\r\n\r\n");
    assertThat(slice(msg, s.text())).isEqualTo("Subject: inner only\r\n\r\nhi\r\n");
  }

  @Test
  void aOneStandsForANonMultipartEntityItselfOnlyOnce() throws IOException {
    // As Dovecot answers: a leaf has no parts below it.
    String single = "Subject: plain\r\n\r\nbody\r\n";
    MessageStructure s = parse(single);
    assertThat(s.part(1)).isPresent();
    assertThat(s.part(1, 1)).isEmpty();
    MessageStructure nested = parse(NESTED);
    assertThat(slice(NESTED, MessageStructure.content(nested.part(1, 1, 1).orElseThrow())))
        .isEqualTo("plain line 1\r\nplain line 2");
    assertThat(nested.part(1, 1, 1, 1)).isEmpty();
    assertThat(slice(NESTED, MessageStructure.content(nested.part(2, 1).orElseThrow()))).isEqualTo("forwarded body");
    assertThat(nested.part(2, 1, 1)).isEmpty();
    String forwarded = "From: a@b.c\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nhi\r\n";
    MessageStructure f = parse(forwarded);
    assertThat(slice(forwarded, MessageStructure.content(f.part(1, 1).orElseThrow()))).isEqualTo("hi\r\n");
    assertThat(f.part(1, 1, 1)).isEmpty();
  }

  @Test
  void bodyLinesCountTheLineBreaksInsideThePartAsDovecotDoes() throws IOException {
    // imaptest's fetch-bodystructure: "hello" and a blank line before the boundary is 7 bytes, 1 line
    String msg = "Content-Type: multipart/mixed; boundary=\"foo\r\n bar\"\r\n\r\n"
        + "--foo bar\r\nContent-Type: text/x-myown; charset=us-ascii\r\n\r\nhello\r\n\r\n"
        + "--foo bar\r\n\r\nno break\r\n--foo bar\r\n\r\n\r\n--foo bar--\r\n";
    MessageStructure s = parse(msg);
    BodyPart hello = s.part(1).orElseThrow();
    assertThat(hello.size()).isEqualTo(7);
    assertThat(hello.lines()).isEqualTo(1);
    assertThat(s.part(2).orElseThrow().lines()).isZero();
    assertThat(s.part(3).orElseThrow().lines()).isZero();
    assertThat(parse("Subject: x\r\n\r\none\r\ntwo").root().lines()).isEqualTo(1);
  }

  @Test
  void messageRfc822LinesCountTheLineBreaksInsideThePartAsDovecotDoes() throws IOException {
    // A forwarded message as an attachment: Dovecot says 3, 2 and 3 lines for these (counted as
    // for a leaf part), where mailgate said 4, 3 and 3.
    String attached = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: message/rfc822\r\n\r\nFrom: c@d.e\r\nSubject: in\r\n\r\nbody\r\n--b--\r\n";
    assertThat(parse(attached).part(1).orElseThrow().lines()).isEqualTo(3);
    String unterminated = "Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nhi";
    assertThat(parse(unterminated).root().lines()).isEqualTo(2);
    assertThat(parse(unterminated + "\r\n").root().lines()).isEqualTo(3);
  }

  @Test
  void anySplitOfTheInputGivesTheSameStructure() throws IOException {
    MessageStructure whole = parse(NESTED);
    byte[] bytes = NESTED.getBytes(StandardCharsets.UTF_8);
    assertThat(new StructureParser(64 * 1024).parse(new Trickle(bytes, new Random(1), true))).isEqualTo(whole);
    for (int seed = 0; seed < 20; seed++) {
      assertThat(new StructureParser(64 * 1024).parse(new Trickle(bytes, new Random(seed), false))).isEqualTo(whole);
    }
  }

  @Test
  void overlongLinesAndUnterminatedMultipartsDoNotBreakParsing() throws IOException {
    String longLine = "x".repeat(100_000);
    String msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n" + longLine + "\r\n--b\r\n\r\nlast";
    MessageStructure s = parse(msg);
    assertThat(s.root().children()).hasSize(2);
    assertThat(s.root().children().get(0).size()).isEqualTo(longLine.length());
    assertThat(slice(msg, MessageStructure.content(s.part(2).orElseThrow()))).isEqualTo("last");
  }

  @Test
  void codecRoundTripsTheStructure() throws IOException {
    MessageStructure s = parse(NESTED);
    assertThat(StructureCodec.decode(StructureCodec.encode(s))).isEqualTo(s);
  }

  @Test
  void headerFieldsSelectsWholeFoldedFields() throws IOException {
    MessageStructure s = parse(NESTED);
    byte[] header = slice(NESTED, MessageStructure.header(s.root())).getBytes(StandardCharsets.UTF_8);
    assertThat(new String(HeaderFields.select(header, Set.of("SUBJECT", "message-id"), false), StandardCharsets.UTF_8))
        .isEqualTo("Subject: =?ISO-8859-1?Q?caf=E9?= and\r\n more\r\nMessage-ID: <m1@example.com>\r\n\r\n");
    assertThat(new String(HeaderFields.select(header, Set.of("subject"), true), StandardCharsets.UTF_8))
        .doesNotContain("Subject").contains("Message-ID");
  }

  /** Returns the bytes in random small reads (or one byte at a time). */
  static final class Trickle extends InputStream {
    private final byte[] data;
    private final Random random;
    private final boolean single;
    private int pos;

    Trickle(byte[] data, Random random, boolean single) {
      this.data = data;
      this.random = random;
      this.single = single;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, data.length - pos), single ? 1 : 1 + random.nextInt(40));
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}

package dev.mailgate.codec.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.testing.Splits;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapResponseDecoderTest {
  private static final ImapLimits LIMITS =
      ImapLimits.DEFAULTS.withMaxLineLength(1024).withInline(1024, 4096, 100);

  static List<String> decode(ImapLimits limits, String input) {
    List<List<String>> ways = new ArrayList<>();
    byte[] bytes = input.getBytes(UTF_8);
    for (List<byte[]> way : Splits.allSplits(bytes, 7)) {
      List<String> r = Splits.decode(() -> new ChannelInitializer<EmbeddedChannel>() {
        @Override
        protected void initChannel(EmbeddedChannel ch) {
          ch.pipeline().addLast(new ImapResponseFramer(limits), new ImapResponseDecoder(limits));
        }
      }, way, ImapResponseDecoderTest::describe);
      if (!ways.contains(r)) {
        ways.add(r);
      }
    }
    assertThat(ways).as("every split decodes alike").hasSize(1);
    return ways.get(0);
  }

  static String describe(Object o) {
    if (o instanceof DecodeFailure f) {
      return "fail " + f.error();
    }
    return String.valueOf(o);
  }

  @Test
  void greetingWithCapabilityCodeIsParsed() {
    List<String> out = decode(LIMITS, "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n");
    assertThat(out).containsExactly("Untagged[status=OK, code=CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN, text=Dovecot ready.]");
  }

  @Test
  void capabilityCodeListsNamesUpperCase() {
    ResponseCode code = new ResponseCode("CAPABILITY", "IMAP4rev1 auth=plain  IDLE");
    assertThat(code.capabilities()).containsExactly("IMAP4REV1", "AUTH=PLAIN", "IDLE");
    assertThat(new ResponseCode("CAPABILITY", "  IDLE   MOVE ").capabilities()).containsExactly("IDLE", "MOVE");
  }

  @Test
  void untaggedCapabilityAndTaggedCompletion() {
    assertThat(decode(LIMITS, "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\nabcd OK CAPABILITY completed\r\n"))
        .containsExactly("Capability[capabilities=[IMAP4REV1, STARTTLS, AUTH=GSSAPI, LOGINDISABLED]]",
            "Tagged[tag=abcd, status=OK, code=null, text=CAPABILITY completed]");
  }

  @Test
  void selectResponsesOfRfc3501() {
    String in = "* 172 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 12] Message 12 is first unseen\r\n"
        + "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] Predicted next UID\r\n"
        + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        + "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
        + "A142 OK [READ-WRITE] SELECT completed\r\n";
    assertThat(decode(LIMITS, in)).containsExactly(
        "MessageNumber[number=172, keyword=EXISTS]", "MessageNumber[number=1, keyword=RECENT]",
        "Untagged[status=OK, code=UNSEEN 12, text=Message 12 is first unseen]",
        "Untagged[status=OK, code=UIDVALIDITY 3857529045, text=UIDs valid]",
        "Untagged[status=OK, code=UIDNEXT 4392, text=Predicted next UID]",
        "Data[FLAGS [ListValue[items=[Atom[value=\\Answered], Atom[value=\\Flagged], Atom[value=\\Deleted], Atom[value=\\Seen], Atom[value=\\Draft]]]]]",
        "Untagged[status=OK, code=PERMANENTFLAGS (\\Deleted \\Seen \\*), text=Limited]",
        "Tagged[tag=A142, status=OK, code=READ-WRITE, text=SELECT completed]");
  }

  @Test
  void fetchBodyLiteralsAreSlicesOfTheResponse() {
    String body = "Subject: hi\r\n\r\nbody with ) and {5}\r\n";
    String in = "* 12 FETCH (UID 7 BODY[HEADER.FIELDS (DATE FROM)]<0> {" + body.length() + "}\r\n" + body
        + " FLAGS (\\Seen))\r\n";
    List<String> out = decode(LIMITS, in);
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).isEqualTo("Data[12 FETCH [ListValue[items=[Atom[value=UID], Num[value=7], "
        + "Atom[value=BODY[HEADER.FIELDS (DATE FROM)]<0>], {" + body.length() + "}\"" + body + "\", "
        + "Atom[value=FLAGS], ListValue[items=[Atom[value=\\Seen]]]]]]]");
  }

  @Test
  void fetchItemLookupFindsTheBody() {
    EmbeddedChannel ch = new EmbeddedChannel(new ImapResponseFramer(LIMITS), new ImapResponseDecoder(LIMITS));
    ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("* 1 FETCH (BODY[] {3}\r\nabc)\r\n", UTF_8));
    ImapResponse.Data d = ch.readInbound();
    assertThat(((ImapValue.Str) d.fetchItem("body[]")).asString()).isEqualTo("abc");
    d.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void continuationWithAndWithoutText() {
    assertThat(decode(LIMITS, "+ Ready for literal\r\n+\r\n+ \r\n"))
        .containsExactly("Continuation[text=Ready for literal]", "Continuation[text=]", "Continuation[text=]");
  }

  @Test
  void listAndStatusDataWithQuotedStrings() {
    assertThat(decode(LIMITS, "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"))
        .containsExactly(
            "Data[LIST [ListValue[items=[Atom[value=\\Noselect]]], \"/\", Atom[value=~/Mail/foo]]]",
            "Data[STATUS [Atom[value=blurdybloop], ListValue[items=[Atom[value=MESSAGES], Num[value=231], Atom[value=UIDNEXT], Num[value=44292]]]]]");
  }

  @Test
  void byeAndNoWithCodes() {
    assertThat(decode(LIMITS, "* BYE [UNAVAILABLE] shutting down\r\na1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"))
        .containsExactly("Untagged[status=BYE, code=UNAVAILABLE, text=shutting down]",
            "Tagged[tag=a1, status=NO, code=AUTHENTICATIONFAILED, text=Authentication failed.]");
  }

  @Test
  void responseLiteralOverTheLimitIsSkippedAndTheStreamResyncs() {
    String big = "x".repeat(150);
    assertThat(decode(LIMITS, "* 1 FETCH (BODY[] {150}\r\n" + big + ")\r\na1 OK done\r\n"))
        .containsExactly("fail LITERAL_TOO_BIG", "Tagged[tag=a1, status=OK, code=null, text=done]");
  }

  @Test
  void overlongResponseLineFails() {
    assertThat(decode(LIMITS, "* OK " + "y".repeat(1100) + "\r\na1 OK done\r\n"))
        .containsExactly("fail LINE_TOO_LONG", "Tagged[tag=a1, status=OK, code=null, text=done]");
  }

  @Test
  void bareLfInResponseFails() {
    assertThat(decode(LIMITS, "* OK hi\na1 OK done\r\n"))
        .containsExactly("fail BAD_LINE_ENDING", "Tagged[tag=a1, status=OK, code=null, text=done]");
  }

  @Test
  void malformedResponseIsASyntaxFailure() {
    assertThat(decode(LIMITS, "a1 MAYBE ok\r\n* 3 FETCH (UID\r\n")).containsExactly("fail SYNTAX", "fail SYNTAX");
  }

  @Test
  void nestingBeyondTheLimitFails() {
    ImapLimits shallow = LIMITS.withStructure(8, 3, 100);
    assertThat(decode(shallow, "* 1 FETCH (BODYSTRUCTURE ((((\"a\")))))\r\n")).containsExactly("fail NESTING_TOO_DEEP");
  }

  @Test
  void tooManyLiteralsInOneResponseFails() {
    ImapLimits few = LIMITS.withStructure(8, 8, 3);
    assertThat(decode(few, "* X {1}\r\na {1}\r\nb {1}\r\nc {1}\r\nd\r\na1 OK\r\n"))
        .containsExactly("fail TOO_MANY_PARAMETERS", "Tagged[tag=a1, status=OK, code=null, text=]");
  }

  @Test
  void rfc3501Section8ServerSideDecodes() {
    String header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n"
        + "Subject: IMAP4rev1 WG mtg summary and minutes\r\nTo: imap@cac.washington.edu\r\n"
        + "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
        + "Message-Id: <B27397-0100000@cac.washington.edu>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n";
    String in = "* OK IMAP4rev1 Service Ready\r\n"
        + "a001 OK LOGIN completed\r\n"
        + "* 18 EXISTS\r\n"
        + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        + "* 2 RECENT\r\n"
        + "* OK [UNSEEN 17] Message 17 is the first unseen message\r\n"
        + "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
        + "a002 OK [READ-WRITE] SELECT completed\r\n"
        + "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE "
        + "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
        + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        + "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
        + "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
        + "\"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
        + "a003 OK FETCH completed\r\n"
        + "* 12 FETCH (BODY[HEADER] {" + header.length() + "}\r\n" + header + ")\r\n"
        + "a004 OK FETCH completed\r\n"
        + "* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n"
        + "a005 OK +FLAGS completed\r\n"
        + "* BYE IMAP4rev1 server terminating connection\r\n"
        + "a006 OK LOGOUT completed\r\n";
    List<String> out = decode(ImapLimits.DEFAULTS, in);
    assertThat(out).hasSize(16).noneMatch(s -> s.startsWith("fail"));
    assertThat(out.get(8)).contains("Atom[value=ENVELOPE]", "\"John Klensin\"", "Num[value=3028]");
    assertThat(out.get(10)).contains("Atom[value=BODY[HEADER]], {" + header.length() + "}");
    assertThat(out.get(14)).isEqualTo("Untagged[status=BYE, code=null, text=IMAP4rev1 server terminating connection]");
  }
}

package dev.mailgate.codec.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.imap.FetchItem.Attribute;
import dev.mailgate.codec.imap.FetchItem.Section;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import dev.mailgate.codec.imap.ImapCommand.*;
import dev.mailgate.codec.imap.SearchKey.DateField;
import dev.mailgate.codec.imap.SearchKey.Field;
import dev.mailgate.codec.imap.SearchKey.FlagKey;
import dev.mailgate.codec.testing.Splits;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: RFC 3501 section 6 examples and the section 8 sample session, every split. */
class ImapCommandParserTest {

  static List<Object> parseAll(String input, boolean authenticated) {
    return parseAll(input, authenticated, ImapLimits.DEFAULTS);
  }

  static List<Object> parseAll(String input, boolean authenticated, ImapLimits limits) {
    return parseAll(input, authenticated, limits, false);
  }

  /** Like {@link #parseAll(String, boolean, ImapLimits)}; {@code utf8}: after ENABLE UTF8=ACCEPT. */
  static List<Object> parseAll(String input, boolean authenticated, ImapLimits limits, boolean utf8) {
    return parseAll(input.getBytes(UTF_8), authenticated, limits, utf8);
  }

  /** Like {@link #parseAll(String, boolean, ImapLimits, boolean)} for input that is not UTF-8. */
  static List<Object> parseAll(byte[] bytes, boolean authenticated, ImapLimits limits, boolean utf8) {
    List<List<Object>> ways = new ArrayList<>();
    for (List<byte[]> way : Splits.allSplits(bytes, 42)) {
      List<Object> r = new ArrayList<>();
      for (Object o : Splits.decode(() -> pipeline(authenticated, limits, utf8), way, ImapCommandParserTest::describe)) {
        if (!("chunk".equals(o) && !r.isEmpty() && "chunk".equals(r.get(r.size() - 1)))) {
          r.add(o);
        }
      }
      if (!ways.contains(r)) {
        ways.add(r);
      }
    }
    assertThat(ways).as("every split parses alike").hasSize(1);
    return ways.get(0);
  }

  static ChannelInitializer<EmbeddedChannel> pipeline(boolean authenticated, ImapLimits limits) {
    return pipeline(authenticated, limits, false);
  }

  static ChannelInitializer<EmbeddedChannel> pipeline(boolean authenticated, ImapLimits limits, boolean utf8) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(EmbeddedChannel ch) {
        ImapCommandFramer framer = new ImapCommandFramer(limits);
        framer.authenticated(authenticated);
        ImapCommandParser parser = new ImapCommandParser(limits);
        parser.utf8Accept(utf8);
        ch.pipeline().addLast(framer, new ImapCommandDecoder(parser));
      }
    };
  }

  /** Commands compare by value; APPEND messages are described with their content as text. */
  static Object describe(Object msg) {
    if (msg instanceof Append a) {
      List<String> m = new ArrayList<>();
      for (AppendMessage x : a.messages()) {
        m.add(x.flags() + " " + x.internalDate() + " " + x.size() + " " + x.binary() + (x.utf8() ? " utf8 " : " ")
            + (x.content() == null ? "<streamed>" : x.content().toString(UTF_8)));
      }
      a.release();
      return "APPEND " + a.tag() + " " + a.mailbox() + " " + m;
    }
    if (msg instanceof ImapLiteralChunk) {
      return "chunk";
    }
    if (msg instanceof ImapContinuationRequest c) {
      return "+" + c.literalSize();
    }
    if (msg instanceof Invalid i) {
      return "INVALID " + i.tag() + " " + i.failure().error();
    }
    return msg;
  }

  static ImapCommand one(String line) {
    List<Object> out = parseAll(line, true);
    assertThat(out).hasSize(1);
    return (ImapCommand) out.get(0);
  }

  private static SequenceSet seq(long... pairs) {
    return SequenceSet.ranges(pairs);
  }

  private static FetchItem simple(Attribute a) {
    return new FetchItem.Simple(a);
  }

  static Stream<Arguments> rfc3501Section6() {
    return Stream.of(
        Arguments.of("abcd CAPABILITY", new Capability("abcd")),
        Arguments.of("a002 NOOP", new Noop("a002")),
        Arguments.of("A023 LOGOUT", new Logout("A023")),
        Arguments.of("a002 STARTTLS", new StartTls("a002")),
        Arguments.of("a004 LOGIN joe password", new Login("a004", "joe", "password")),
        Arguments.of("A001 AUTHENTICATE GSSAPI", new Authenticate("A001", "GSSAPI", null)),
        Arguments.of("a001 LOGIN SMITH SESAME", new Login("a001", "SMITH", "SESAME")),
        Arguments.of("A142 SELECT INBOX", new Select("A142", "INBOX", false, false, null)),
        Arguments.of("A932 EXAMINE blurdybloop", new Select("A932", "blurdybloop", true, false, null)),
        Arguments.of("A003 CREATE owatagusiam/", new Create("A003", "owatagusiam/", List.of())),
        Arguments.of("A004 CREATE owatagusiam/blurdybloop",
            new Create("A004", "owatagusiam/blurdybloop", List.of())),
        Arguments.of("A682 LIST \"\" *",
            new ListMailboxes("A682", List.of(), "", List.of("*"), List.of(), List.of())),
        Arguments.of("A683 DELETE blurdybloop", new Delete("A683", "blurdybloop")),
        Arguments.of("A685 DELETE foo/bar", new Delete("A685", "foo/bar")),
        Arguments.of("A683 RENAME blurdybloop sarasoop", new Rename("A683", "blurdybloop", "sarasoop")),
        Arguments.of("A002 SUBSCRIBE #news.comp.mail.mime",
            new Subscribe("A002", "#news.comp.mail.mime")),
        Arguments.of("A002 UNSUBSCRIBE #news.comp.mail.mime",
            new Unsubscribe("A002", "#news.comp.mail.mime")),
        Arguments.of("A101 LIST \"\" \"\"",
            new ListMailboxes("A101", List.of(), "", List.of(""), List.of(), List.of())),
        Arguments.of("A102 LIST #news.comp.mail.misc \"\"",
            new ListMailboxes("A102", List.of(), "#news.comp.mail.misc", List.of(""), List.of(), List.of())),
        Arguments.of("A103 LIST /usr/staff/jones \"\"",
            new ListMailboxes("A103", List.of(), "/usr/staff/jones", List.of(""), List.of(), List.of())),
        Arguments.of("A202 LIST ~/Mail/ %",
            new ListMailboxes("A202", List.of(), "~/Mail/", List.of("%"), List.of(), List.of())),
        Arguments.of("A002 LSUB \"#news.\" \"comp.mail.*\"", new Lsub("A002", "#news.", "comp.mail.*")),
        Arguments.of("A003 LSUB \"#news.\" \"comp.%\"", new Lsub("A003", "#news.", "comp.%")),
        Arguments.of("A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
            new Status("A042", "blurdybloop", List.of(StatusItem.UIDNEXT, StatusItem.MESSAGES))),
        Arguments.of("FXXZ CHECK", new Check("FXXZ")),
        Arguments.of("A341 CLOSE", new Close("A341")),
        Arguments.of("A202 EXPUNGE", new Expunge("A202", null)),
        Arguments.of("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            new Search("A282", false, null, null, new SearchKey.And(List.of(
                new FlagKey(SearchKey.Flag.FLAGGED),
                new SearchKey.DateKey(DateField.SINCE, LocalDate.of(1994, 2, 1)),
                new SearchKey.Not(new SearchKey.StringKey(Field.FROM, "Smith")))))),
        Arguments.of("A283 SEARCH TEXT \"string not in mailbox\"",
            new Search("A283", false, null, null,
                new SearchKey.StringKey(Field.TEXT, "string not in mailbox"))),
        Arguments.of("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])",
            new Fetch("A654", false, seq(2, 4), List.of(simple(Attribute.FLAGS),
                new FetchItem.BodySection(new Section(List.of(), SectionText.HEADER_FIELDS,
                    List.of("DATE", "FROM")), false, null)), -1, false)),
        Arguments.of("A003 STORE 2:4 +FLAGS (\\Deleted)",
            new Store("A003", false, seq(2, 4), -1, StoreMode.ADD, false, List.of("\\Deleted"))),
        Arguments.of("A003 COPY 2:4 MEETING", new Copy("A003", false, seq(2, 4), "MEETING")),
        Arguments.of("A999 UID FETCH 4827313:4828442 FLAGS",
            new Fetch("A999", true, seq(4827313, 4828442), List.of(simple(Attribute.FLAGS)), -1, false)),
        Arguments.of("a441 CAPABILITY", new Capability("a441")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc3501Section6")
  void parsesRfc3501Section6Examples(String line, ImapCommand expected) {
    assertThat(one(line + "\r\n")).isEqualTo(expected);
  }

  static Stream<Arguments> rfc3501Section8() {
    List<FetchItem> full = List.of(simple(Attribute.FLAGS), simple(Attribute.INTERNALDATE),
        simple(Attribute.RFC822_SIZE), simple(Attribute.ENVELOPE), simple(Attribute.BODY));
    return Stream.of(
        Arguments.of("a001 login mrc secret", new Login("a001", "mrc", "secret")),
        Arguments.of("a002 select inbox", new Select("a002", "INBOX", false, false, null)),
        Arguments.of("a003 fetch 12 full", new Fetch("a003", false, SequenceSet.of(12), full, -1, false)),
        Arguments.of("a004 fetch 12 body[header]",
            new Fetch("a004", false, SequenceSet.of(12), List.of(new FetchItem.BodySection(
                new Section(List.of(), SectionText.HEADER, List.of()), false, null)), -1, false)),
        Arguments.of("a005 store 12 +flags \\deleted",
            new Store("a005", false, SequenceSet.of(12), -1, StoreMode.ADD, false, List.of("\\deleted"))),
        Arguments.of("a006 logout", new Logout("a006")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc3501Section8")
  void parsesRfc3501Section8SampleSession(String line, ImapCommand expected) {
    assertThat(one(line + "\r\n")).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void sampleSessionPipelinedParsesInOrder() {
    String session = "a001 login mrc secret\r\na002 select inbox\r\na003 fetch 12 full\r\n"
        + "a004 fetch 12 body[header]\r\na005 store 12 +flags \\deleted\r\na006 logout\r\n";
    List<Object> out = parseAll(session, false);
    assertThat(out).extracting(o -> ((ImapCommand) o).tag())
        .containsExactly("a001", "a002", "a003", "a004", "a005", "a006");
  }

  @org.junit.jupiter.api.Test
  void appendExampleOfSection6CarriesTheMessageLiteral() {
    String msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.COM>\r\n"
        + "Subject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
    int n = msg.getBytes(UTF_8).length;
    List<Object> out = parseAll("A003 APPEND saved-messages (\\Seen) {" + n + "}\r\n" + msg + "\r\n", true);
    assertThat(out).containsExactly("+" + n,
        "APPEND A003 saved-messages [[\\Seen] null " + n + " false " + msg + "]");
  }

  @org.junit.jupiter.api.Test
  void searchWithCharsetAndLiteralOfSection6() {
    List<Object> out = parseAll("A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n", true);
    assertThat(out).containsExactly("+6",
        new Search("A284", false, null, "UTF-8", new SearchKey.StringKey(Field.TEXT, "XXXXXX")));
  }

  @org.junit.jupiter.api.Test
  void searchStringsAreDecodedWithTheNamedCharset() {
    // ö in ISO-8859-1, in a literal and in a quoted string; the euro sign in windows-1252.
    byte[] latin1 = "a SEARCH CHARSET ISO-8859-1 SUBJECT {4}\r\nK\u00f6ln HEADER X-Tag \"gr\u00fc\"\r\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(parseAll(latin1, true, ImapLimits.DEFAULTS, false)).containsExactly("+4",
        new Search("a", false, null, "ISO-8859-1", new SearchKey.And(List.of(
            new SearchKey.StringKey(Field.SUBJECT, "K\u00f6ln"), new SearchKey.Header("X-Tag", "gr\u00fc")))));
    byte[] cp1252 = {'b', ' ', 'S', 'E', 'A', 'R', 'C', 'H', ' ', 'C', 'H', 'A', 'R', 'S', 'E', 'T', ' ',
        'w', 'i', 'n', 'd', 'o', 'w', 's', '-', '1', '2', '5', '2', ' ', 'B', 'O', 'D', 'Y', ' ',
        '"', '5', (byte) 0x80, '"', '\r', '\n'};
    assertThat(parseAll(cp1252, true, ImapLimits.DEFAULTS, false)).containsExactly(
        new Search("b", false, null, "windows-1252", new SearchKey.StringKey(Field.BODY, "5\u20ac")));
  }

  @org.junit.jupiter.api.Test
  void sortAndThreadStringsAreDecodedWithTheirCharsetLikeSearch() {
    byte[] latin1 = "a SORT (SUBJECT) ISO-8859-1 SUBJECT {4}\r\nK\u00f6ln\r\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(parseAll(latin1, true, ImapLimits.DEFAULTS, false)).containsExactly("+4",
        new Sort("a", false, List.of(new SortCriterion(SortKey.SUBJECT, false)), "ISO-8859-1",
            new SearchKey.StringKey(Field.SUBJECT, "K\u00f6ln")));
    byte[] cp1252 = "b UID THREAD REFERENCES windows-1252 BODY \"5\u20ac\"\r\n"
        .getBytes(java.nio.charset.Charset.forName("windows-1252"));
    assertThat(parseAll(cp1252, true, ImapLimits.DEFAULTS, false)).containsExactly(
        new ImapCommand.Thread("b", true, ThreadAlgorithm.REFERENCES, "windows-1252",
            new SearchKey.StringKey(Field.BODY, "5\u20ac")));
  }

  @org.junit.jupiter.api.Test
  void searchWithAnUnknownCharsetReadsItsStringsAsUtf8() {
    // The session refuses it with NO [BADCHARSET]; the command still parses.
    List<Object> out = parseAll("c SEARCH CHARSET x-no-such-charset TEXT \"K\u00f6ln\"\r\n", true);
    assertThat(out).containsExactly(
        new Search("c", false, null, "x-no-such-charset", new SearchKey.StringKey(Field.TEXT, "K\u00f6ln")));
  }

  @org.junit.jupiter.api.Test
  void unknownCommandOfSection6IsReportedWithItsTag() {
    assertThat(parseAll("A442 XPIG-LATIN\r\n", true)).containsExactly("INVALID A442 UNKNOWN_COMMAND");
  }

  @org.junit.jupiter.api.Test
  void multiappendWithDateAndBinaryLiteral() {
    List<Object> out = parseAll(
        "t1 APPEND Drafts (\\Draft $x) \"17-Jul-1996 02:44:25 -0700\" {3+}\r\nabc ~{2+}\r\n\0\1\r\n", true);
    OffsetDateTime date = OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7));
    assertThat(out).containsExactly("APPEND t1 Drafts [[\\Draft, $x] " + date + " 3 false abc, [] null 2 true \0\1]");
  }

  @org.junit.jupiter.api.Test
  void streamedAppendYieldsHeadChunksAndContinuation() {
    String body = "y".repeat(70_000);
    List<Object> out = parseAll("s1 APPEND INBOX {70000}\r\n" + body + "\r\ns2 NOOP\r\n", true);
    assertThat(out.get(0)).isEqualTo("+70000");
    assertThat(out.get(1)).isEqualTo("APPEND s1 INBOX [[] null 70000 false <streamed>]");
    assertThat(out.get(out.size() - 2)).isEqualTo(new AppendContinuation("s1", "INBOX", List.of()));
    assertThat(out.get(out.size() - 1)).isEqualTo(new Noop("s2"));
  }

  @org.junit.jupiter.api.Test
  void largeLiteralOutsideAppendIsRefusedAndItsChunksDropped() {
    String body = "y".repeat(70_000);
    assertThat(parseAll("s1 SEARCH TEXT {70000}\r\n" + body + "\r\ns2 NOOP\r\n", true))
        .containsExactly("+70000", "INVALID s1 LITERAL_TOO_BIG", new Noop("s2"));
  }

  @org.junit.jupiter.api.Test
  void failuresOfTheFramerPassThrough() {
    assertThat(parseAll("a1 LOGIN {99999}\r\na2 NOOP\r\n", false))
        .containsExactly(new dev.mailgate.codec.DecodeFailure(ProtocolError.LITERAL_TOO_BIG, "a1",
            "literal of 99999 octets exceeds 8192"), new Noop("a2"));
  }

  @org.junit.jupiter.api.Test
  void utf8AppendDataItemCarriesTheLiteral8AfterEnable() {
    String msg = "Subject: Grüße\r\n\r\nhi\r\n";
    int n = msg.getBytes(UTF_8).length;
    List<Object> out = parseAll("u1 APPEND INBOX (\\Seen) UTF8 (~{" + n + "}\r\n" + msg + ")\r\n", true,
        ImapLimits.DEFAULTS, true);
    assertThat(out).containsExactly("+" + n, "APPEND u1 INBOX [[\\Seen] null " + n + " true utf8 " + msg + "]");
  }

  @org.junit.jupiter.api.Test
  void utf8AppendDataItemMixesWithPlainLiteralsInMultiappend() {
    List<Object> out = parseAll("u1 APPEND INBOX UTF8 (~{3+}\r\nabc) {2+}\r\nde\r\n", true, ImapLimits.DEFAULTS, true);
    assertThat(out).containsExactly("APPEND u1 INBOX [[] null 3 true utf8 abc, [] null 2 false de]");
  }

  @org.junit.jupiter.api.Test
  void streamedUtf8AppendClosesItsParenthesisInTheContinuation() {
    String body = "y".repeat(70_000);
    List<Object> out = parseAll("s1 APPEND INBOX UTF8 (~{70000}\r\n" + body + ")\r\ns2 NOOP\r\n", true,
        ImapLimits.DEFAULTS, true);
    assertThat(out.get(0)).isEqualTo("+70000");
    assertThat(out.get(1)).isEqualTo("APPEND s1 INBOX [[] null 70000 true utf8 <streamed>]");
    assertThat(out.get(out.size() - 2)).isEqualTo(new AppendContinuation("s1", "INBOX", List.of()));
    assertThat(out.get(out.size() - 1)).isEqualTo(new Noop("s2"));
  }

  @org.junit.jupiter.api.Test
  void streamedUtf8AppendWithoutItsClosingParenthesisIsInvalid() {
    String body = "y".repeat(70_000);
    List<Object> out = parseAll("s1 APPEND INBOX UTF8 (~{70000}\r\n" + body + "\r\ns2 NOOP\r\n", true,
        ImapLimits.DEFAULTS, true);
    assertThat(out.get(out.size() - 2)).isEqualTo("INVALID s1 SYNTAX");
    assertThat(out.get(out.size() - 1)).isEqualTo(new Noop("s2"));
  }

  @org.junit.jupiter.api.Test
  void utf8AppendDataItemIsASyntaxErrorWithoutEnableOrWithoutLiteral8() {
    assertThat(parseAll("u1 APPEND INBOX UTF8 (~{3+}\r\nabc)\r\n", true)).containsExactly("INVALID u1 SYNTAX");
    assertThat(parseAll("u2 APPEND INBOX UTF8 ({3+}\r\nabc)\r\n", true, ImapLimits.DEFAULTS, true))
        .containsExactly("INVALID u2 SYNTAX");
    assertThat(parseAll("u3 APPEND INBOX UTF8 (~{3+}\r\nabc\r\n", true, ImapLimits.DEFAULTS, true))
        .containsExactly("INVALID u3 SYNTAX");
  }
}

package dev.mailgate.codec.imap;

import static dev.mailgate.codec.imap.ImapCommandParserTest.one;
import static dev.mailgate.codec.imap.ImapCommandParserTest.parseAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.imap.FetchItem.Attribute;
import dev.mailgate.codec.imap.FetchItem.Section;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import dev.mailgate.codec.imap.ImapCommand.*;
import dev.mailgate.codec.imap.SearchKey.*;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The extension grammars (RFC 9051 and the extensions of issue 2), table-driven, every split. */
class ImapExtensionGrammarTest {

  static Stream<Arguments> commands() {
    Map<String, String> id = new LinkedHashMap<>();
    id.put("name", "Thunderbird");
    id.put("version", "115.3.1");
    id.put("os", null);
    return Stream.of(
        Arguments.of("a AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0", new Authenticate("a", "PLAIN", "AGZyZWQAc2VjcmV0")),
        Arguments.of("a AUTHENTICATE plain =", new Authenticate("a", "PLAIN", "=")),
        Arguments.of("a SELECT INBOX (CONDSTORE)", new Select("a", "INBOX", false, true, null)),
        Arguments.of("A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))",
            new Select("A02", "INBOX", false, false, new Qresync(67890007L, 90060115194045000L,
                SequenceSet.ranges(41, 211, 214, 541), null, null))),
        Arguments.of("B04 EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976:29979)))",
            new Select("B04", "INBOX", true, false, new Qresync(67890007L, 90060115194045000L,
                SequenceSet.range(1, 29997), SequenceSet.ranges(5000, 5000, 7500, 7500, 9000, 9000, 9990, 9999),
                SequenceSet.ranges(15000, 15000, 22500, 22500, 27000, 27000, 29970, 29970, 29973, 29973, 29976, 29979)))),
        Arguments.of("t1 CREATE MySpecialArchive (USE (\\Archive))", new Create("t1", "MySpecialArchive", List.of("\\Archive"))),
        Arguments.of("t1 LIST (SPECIAL-USE) \"\" \"*\"",
            new ListMailboxes("t1", List.of("SPECIAL-USE"), "", List.of("*"), List.of(), List.of())),
        Arguments.of("A04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"%\" \"Other/*\") RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN))",
            new ListMailboxes("A04", List.of("SUBSCRIBED", "RECURSIVEMATCH"), "", List.of("%", "Other/*"),
                List.of("CHILDREN", "SPECIAL-USE", "STATUS"), List.of(StatusItem.MESSAGES, StatusItem.UNSEEN))),
        Arguments.of("a LIST \"\" \"\" RETURN ()", new ListMailboxes("a", List.of(), "", List.of(""), List.of(), List.of())),
        Arguments.of("a STATUS Sent (HIGHESTMODSEQ SIZE APPENDLIMIT DELETED UIDVALIDITY)",
            new Status("a", "Sent", List.of(StatusItem.HIGHESTMODSEQ, StatusItem.SIZE, StatusItem.APPENDLIMIT,
                StatusItem.DELETED, StatusItem.UIDVALIDITY))),
        Arguments.of("a UNSELECT", new Unselect("a")),
        Arguments.of("a NAMESPACE", new Namespace("a")),
        Arguments.of("a UID EXPUNGE 3000:3002", new Expunge("a", SequenceSet.range(3000, 3002))),
        Arguments.of("a uid move 42:69 foo", new Move("a", true, SequenceSet.range(42, 69), "foo")),
        Arguments.of("a MOVE 1,3:* Trash", new Move("a", false, SequenceSet.ranges(1, 1, 3, SequenceSet.STAR), "Trash")),
        Arguments.of("a UID COPY $ Archive", new Copy("a", true, SequenceSet.SAVED, "Archive")),
        Arguments.of("a IDLE", new Idle("a")),
        Arguments.of("a ID (\"name\" \"Thunderbird\" \"version\" \"115.3.1\" \"os\" NIL)", new Id("a", id)),
        Arguments.of("a ID NIL", new Id("a", null)),
        Arguments.of("a ENABLE CONDSTORE UTF8=ACCEPT QRESYNC", new Enable("a", List.of("CONDSTORE", "UTF8=ACCEPT", "QRESYNC"))),
        Arguments.of("G GETQUOTA \"\"", new GetQuota("G", "")),
        Arguments.of("G GETQUOTAROOT INBOX", new GetQuotaRoot("G", "INBOX")),
        Arguments.of("S SETQUOTA \"\" (STORAGE 512 MESSAGE 1000)", new SetQuota("S", "", Map.of("STORAGE", 512L, "MESSAGE", 1000L))),
        Arguments.of("a COMPRESS DEFLATE", new Compress("a", "DEFLATE")),
        Arguments.of("a SUBSCRIBE \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\"", new Subscribe("a", "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e")),
        Arguments.of("a STORE 1:* (UNCHANGEDSINCE 12121230045) -FLAGS.SILENT (\\Deleted $Junk)",
            new Store("a", false, SequenceSet.range(1, SequenceSet.STAR), 12121230045L, StoreMode.REMOVE, true, List.of("\\Deleted", "$Junk"))),
        Arguments.of("a UID STORE 7 FLAGS ()", new Store("a", true, SequenceSet.of(7), -1, StoreMode.REPLACE, false, List.of())),
        Arguments.of("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
            new Fetch("s100", true, SequenceSet.range(1, SequenceSet.STAR), List.of(new FetchItem.Simple(Attribute.FLAGS)), 12345, true)),
        Arguments.of("a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS.NOT (Received X-Spam)]<0.2048> BINARY.PEEK[1.2]<10.20> BINARY.SIZE[3] BODY[2.MIME] BODY[TEXT] BODY[] MODSEQ RFC822.SIZE RFC822.HEADER RFC822.TEXT RFC822 BODYSTRUCTURE ENVELOPE INTERNALDATE UID)",
            new Fetch("a", false, SequenceSet.of(1), List.of(
                new FetchItem.BodySection(new Section(List.of(1, 2), SectionText.HEADER_FIELDS_NOT, List.of("Received", "X-Spam")), true, new FetchItem.Partial(0, 2048)),
                new FetchItem.Binary(new Section(List.of(1, 2), SectionText.NONE, List.of()), true, new FetchItem.Partial(10, 20)),
                new FetchItem.BinarySize(new Section(List.of(3), SectionText.NONE, List.of())),
                new FetchItem.BodySection(new Section(List.of(2), SectionText.MIME, List.of()), false, null),
                new FetchItem.BodySection(new Section(List.of(), SectionText.TEXT, List.of()), false, null),
                new FetchItem.BodySection(Section.WHOLE, false, null),
                new FetchItem.Simple(Attribute.MODSEQ), new FetchItem.Simple(Attribute.RFC822_SIZE),
                new FetchItem.Simple(Attribute.RFC822_HEADER), new FetchItem.Simple(Attribute.RFC822_TEXT),
                new FetchItem.Simple(Attribute.RFC822), new FetchItem.Simple(Attribute.BODYSTRUCTURE),
                new FetchItem.Simple(Attribute.ENVELOPE), new FetchItem.Simple(Attribute.INTERNALDATE),
                new FetchItem.Simple(Attribute.UID)), -1, false)),
        Arguments.of("a FETCH 2 fast", new Fetch("a", false, SequenceSet.of(2), List.of(new FetchItem.Simple(Attribute.FLAGS),
            new FetchItem.Simple(Attribute.INTERNALDATE), new FetchItem.Simple(Attribute.RFC822_SIZE)), -1, false)),
        Arguments.of("a FETCH 1 (BODY.PEEK[]<100> BINARY.PEEK[1]<40>)", new Fetch("a", false, SequenceSet.of(1), List.of(
            new FetchItem.BodySection(Section.WHOLE, true, new FetchItem.Partial(100, FetchItem.Partial.TO_END)),
            new FetchItem.Binary(new Section(List.of(1), SectionText.NONE, List.of()), true, new FetchItem.Partial(40, FetchItem.Partial.TO_END))), -1, false)),
        // BINARY with BODY's section-text forms: beyond RFC 3516's section-binary, as Dovecot accepts
        Arguments.of("a FETCH 1 (BINARY.SIZE[TEXT] binary.peek[2.header.fields (from subject X-foo)]<0.10> BINARY[2.1.MIME] BINARY.PEEK[HEADER] BINARY.SIZE[2.HEADER.FIELDS.NOT (Received)] BINARY[2.TEXT] BINARY.PEEK[]<5>)",
            new Fetch("a", false, SequenceSet.of(1), List.of(
                new FetchItem.BinarySize(new Section(List.of(), SectionText.TEXT, List.of())),
                new FetchItem.Binary(new Section(List.of(2), SectionText.HEADER_FIELDS, List.of("from", "subject", "X-foo")), true, new FetchItem.Partial(0, 10)),
                new FetchItem.Binary(new Section(List.of(2, 1), SectionText.MIME, List.of()), false, null),
                new FetchItem.Binary(new Section(List.of(), SectionText.HEADER, List.of()), true, null),
                new FetchItem.BinarySize(new Section(List.of(2), SectionText.HEADER_FIELDS_NOT, List.of("Received"))),
                new FetchItem.Binary(new Section(List.of(2), SectionText.TEXT, List.of()), false, null),
                new FetchItem.Binary(Section.WHOLE, true, new FetchItem.Partial(5, FetchItem.Partial.TO_END))), -1, false)),
        Arguments.of("a FETCH 3 BODY[3.1]", new Fetch("a", false, SequenceSet.of(3), List.of(new FetchItem.BodySection(
            new Section(List.of(3, 1), SectionText.NONE, List.of()), false, null)), -1, false)),
        Arguments.of("a UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM \"a\" TO b) NOT (SUBJECT {3+}\r\nabc SEEN) UID 1:100 1,3:5 $",
            new Search("a", true, List.of("MIN", "MAX", "COUNT", "SAVE"), "UTF-8", new And(List.of(
                new Or(new And(List.of(new StringKey(Field.FROM, "a"), new StringKey(Field.TO, "b"))), new Not(new And(List.of(
                    new StringKey(Field.SUBJECT, "abc"), new FlagKey(SearchKey.Flag.SEEN))))),
                new Uid(SequenceSet.range(1, 100)), new Sequence(SequenceSet.ranges(1, 1, 3, 5)), new Sequence(SequenceSet.SAVED))))),
        Arguments.of("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994", new Sort("A282", false,
            List.of(new SortCriterion(SortKey.SUBJECT, false)), "UTF-8",
            new DateKey(DateField.SINCE, LocalDate.of(1994, 2, 1)))),
        Arguments.of("A283 uid sort (subject REVERSE date reverse ARRIVAL CC FROM SIZE TO DISPLAYFROM DISPLAYTO) us-ascii ALL",
            new Sort("A283", true, List.of(new SortCriterion(SortKey.SUBJECT, false),
                new SortCriterion(SortKey.DATE, true), new SortCriterion(SortKey.ARRIVAL, true),
                new SortCriterion(SortKey.CC, false), new SortCriterion(SortKey.FROM, false),
                new SortCriterion(SortKey.SIZE, false), new SortCriterion(SortKey.TO, false),
                new SortCriterion(SortKey.DISPLAYFROM, false), new SortCriterion(SortKey.DISPLAYTO, false)),
                "us-ascii", new FlagKey(SearchKey.Flag.ALL))),
        Arguments.of("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\" $", new Sort("A284", false,
            List.of(new SortCriterion(SortKey.SUBJECT, false)), "US-ASCII",
            new And(List.of(new StringKey(Field.TEXT, "not in mailbox"), new Sequence(SequenceSet.SAVED))))),
        Arguments.of("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000", new ImapCommand.Thread("A283", false,
            ThreadAlgorithm.ORDEREDSUBJECT, "UTF-8", new DateKey(DateField.SINCE, LocalDate.of(2000, 3, 5)))),
        Arguments.of("A285 UID THREAD references \"US-ASCII\" TEXT {4+}\r\ngewp UNSEEN", new ImapCommand.Thread("A285", true,
            ThreadAlgorithm.REFERENCES, "US-ASCII", new And(List.of(new StringKey(Field.TEXT, "gewp"),
                new FlagKey(SearchKey.Flag.UNSEEN))))),
        Arguments.of("a SEARCH ALL ANSWERED BCC x BEFORE 1-Feb-1994 BODY y CC z DELETED DRAFT FLAGGED HEADER X-Foo bar KEYWORD $Junk LARGER 1000 NEW OLD ON \"12-Dec-2023\" RECENT SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000 SINCE 4-Jan-2000 SMALLER 5 TEXT t UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $x UNSEEN OLDER 3600 YOUNGER 60 MODSEQ \"/flags/\\\\draft\" all 620162338",
            new Search("a", false, null, null, new And(List.of(
                new FlagKey(SearchKey.Flag.ALL), new FlagKey(SearchKey.Flag.ANSWERED), new StringKey(Field.BCC, "x"),
                new DateKey(DateField.BEFORE, LocalDate.of(1994, 2, 1)), new StringKey(Field.BODY, "y"), new StringKey(Field.CC, "z"),
                new FlagKey(SearchKey.Flag.DELETED), new FlagKey(SearchKey.Flag.DRAFT), new FlagKey(SearchKey.Flag.FLAGGED),
                new Header("X-Foo", "bar"), new Keyword("$Junk", false), new Size(true, 1000), new FlagKey(SearchKey.Flag.NEW),
                new FlagKey(SearchKey.Flag.OLD), new DateKey(DateField.ON, LocalDate.of(2023, 12, 12)), new FlagKey(SearchKey.Flag.RECENT),
                new DateKey(DateField.SENTBEFORE, LocalDate.of(2000, 1, 1)), new DateKey(DateField.SENTON, LocalDate.of(2000, 1, 2)),
                new DateKey(DateField.SENTSINCE, LocalDate.of(2000, 1, 3)), new DateKey(DateField.SINCE, LocalDate.of(2000, 1, 4)),
                new Size(false, 5), new StringKey(Field.TEXT, "t"), new FlagKey(SearchKey.Flag.UNANSWERED),
                new FlagKey(SearchKey.Flag.UNDELETED), new FlagKey(SearchKey.Flag.UNDRAFT), new FlagKey(SearchKey.Flag.UNFLAGGED),
                new Keyword("$x", true), new FlagKey(SearchKey.Flag.UNSEEN), new Within(true, 3600), new Within(false, 60),
                new ModSeq("/flags/\\draft", "all", 620162338L))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void parsesExtensionCommand(String line, ImapCommand expected) {
    assertThat(one(line + "\r\n")).isEqualTo(expected);
  }

  @Test
  void doneEndsIdleWithoutATag() {
    assertThat(parseAll("a IDLE\r\nDONE\r\n", true)).containsExactly(new Idle("a"), new Done());
  }

  @Test
  void utf8MailboxNamesOnceEnabled() {
    ImapCommandParser parser = new ImapCommandParser(ImapLimits.DEFAULTS);
    parser.utf8Accept(true);
    ImapCommandFrame f = ImapCommandFrame.ofLine(io.netty.buffer.Unpooled.copiedBuffer(
        "a SELECT \"Entw\u00fcrfe\"", java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(parser.parse(f)).isEqualTo(new Select("a", "Entw\u00fcrfe", false, false, null));
    } finally {
      f.release();
    }
  }

  @Test
  void sequenceSetContainsResolvesStar() {
    SequenceSet s = SequenceSet.ranges(4, 2, 9, SequenceSet.STAR);
    assertThat(s.contains(3, 20)).isTrue();
    assertThat(s.contains(5, 20)).isFalse();
    assertThat(s.contains(20, 20)).isTrue();
    assertThat(s.toString()).isEqualTo("4:2,9:*");
  }

  @Test
  void saslResponseLineIsDeliveredRawWhenExpected() {
    ImapCommandDecoder decoder = new ImapCommandDecoder(new ImapCommandParser(ImapLimits.DEFAULTS));
    io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(
        new ImapCommandFramer(ImapLimits.DEFAULTS), decoder);
    ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("a AUTHENTICATE PLAIN\r\n", java.nio.charset.StandardCharsets.US_ASCII));
    assertThat((Object) ch.readInbound()).isEqualTo(new Authenticate("a", "PLAIN", null));
    decoder.expectSaslResponse();
    ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("AGZyZWQAc2VjcmV0\r\nb NOOP\r\n", java.nio.charset.StandardCharsets.US_ASCII));
    SaslResponse r = ch.readInbound();
    assertThat(r.response()).isEqualTo("AGZyZWQAc2VjcmV0");
    assertThat(r.toString()).doesNotContain("AGZy");
    assertThat((Object) ch.readInbound()).isEqualTo(new Noop("b"));
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}

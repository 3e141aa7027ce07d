package dev.mailgate.codec.imap;

import static dev.mailgate.codec.imap.ImapCommandParserTest.parseAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per class of malformed command: each fails with its error and the next command parses. */
class ImapMalformedCommandTest {
  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("missing tag", " NOOP", "INVALID null SYNTAX"),
        Arguments.of("tag only", "a1", "INVALID a1 SYNTAX"),
        Arguments.of("unknown command", "a1 FROB", "INVALID a1 UNKNOWN_COMMAND"),
        Arguments.of("trailing garbage", "a1 NOOP x", "INVALID a1 SYNTAX"),
        Arguments.of("double space", "a1 LOGIN  a b", "INVALID a1 SYNTAX"),
        Arguments.of("missing argument", "a1 LOGIN fred", "INVALID a1 SYNTAX"),
        Arguments.of("unterminated quoted", "a1 LOGIN \"fred b", "INVALID a1 SYNTAX"),
        Arguments.of("bad escape", "a1 LOGIN \"fr\\ed\" b", "INVALID a1 SYNTAX"),
        Arguments.of("NUL in quoted", "a1 LOGIN \"fr\0ed\" b", "INVALID a1 BAD_CHARACTER"),
        Arguments.of("zero in sequence set", "a1 FETCH 0 FLAGS", "INVALID a1 SYNTAX"),
        Arguments.of("number overflow", "a1 FETCH 99999999999 FLAGS", "INVALID a1 SYNTAX"),
        Arguments.of("unknown fetch item", "a1 FETCH 1 (FLAGZ)", "INVALID a1 SYNTAX"),
        Arguments.of("macro inside list", "a1 FETCH 1 (ALL)", "INVALID a1 SYNTAX"),
        Arguments.of("bad section", "a1 FETCH 1 BODY[FOO]", "INVALID a1 SYNTAX"),
        Arguments.of("MIME without part", "a1 FETCH 1 BODY[MIME]", "INVALID a1 SYNTAX"),
        Arguments.of("bad partial", "a1 FETCH 1 BODY[]<1.0>", "INVALID a1 SYNTAX"),
        Arguments.of("partial without offset", "a1 FETCH 1 BODY[]<>", "INVALID a1 SYNTAX"),
        Arguments.of("partial offset beyond 32 bits", "a1 FETCH 1 BODY[]<4294967296>", "INVALID a1 SYNTAX"),
        Arguments.of("unknown search key", "a1 SEARCH FOO", "INVALID a1 SYNTAX"),
        Arguments.of("bad date", "a1 SEARCH SINCE 31-Feb-2020", "INVALID a1 SYNTAX"),
        Arguments.of("bad month", "a1 SEARCH SINCE 1-Foo-2020", "INVALID a1 SYNTAX"),
        Arguments.of("unbalanced paren", "a1 SEARCH (SEEN", "INVALID a1 SYNTAX"),
        Arguments.of("nesting too deep", "a1 SEARCH " + "NOT ".repeat(9) + "SEEN", "INVALID a1 NESTING_TOO_DEEP"),
        Arguments.of("parens too deep", "a1 SEARCH " + "(".repeat(9) + "SEEN" + ")".repeat(9), "INVALID a1 NESTING_TOO_DEEP"),
        Arguments.of("too many list items", "a1 FETCH " + "1,".repeat(60) + "2 FLAGS", "INVALID a1 TOO_MANY_PARAMETERS"),
        Arguments.of("bad mUTF-7 mailbox", "a1 SELECT &Jjo", "INVALID a1 BAD_MAILBOX_NAME"),
        Arguments.of("8-bit mailbox without UTF8", "a1 SELECT \"caf\u00e9\"", "INVALID a1 BAD_MAILBOX_NAME"),
        Arguments.of("VANISHED without CHANGEDSINCE", "a1 UID FETCH 1 FLAGS (VANISHED)", "INVALID a1 SYNTAX"),
        Arguments.of("UID with bad command", "a1 UID LOGIN a b", "INVALID a1 SYNTAX"),
        Arguments.of("UID with unknown command", "a1 UID XSORT (DATE) UTF-8 ALL", "INVALID a1 UNKNOWN_COMMAND"),
        Arguments.of("SORT without parentheses", "a1 SORT DATE UTF-8 ALL", "INVALID a1 SYNTAX"),
        Arguments.of("SORT with no criterion", "a1 SORT () UTF-8 ALL", "INVALID a1 SYNTAX"),
        Arguments.of("SORT with REVERSE alone", "a1 SORT (REVERSE) UTF-8 ALL", "INVALID a1 SYNTAX"),
        Arguments.of("SORT with unknown key", "a1 UID SORT (DATE MODSEQ) UTF-8 ALL", "INVALID a1 SYNTAX"),
        Arguments.of("SORT without charset", "a1 SORT (DATE) ALL", "INVALID a1 SYNTAX"),
        Arguments.of("SORT without search key", "a1 SORT (DATE) UTF-8", "INVALID a1 SYNTAX"),
        Arguments.of("SORT with too many criteria", "a1 SORT (" + "DATE ".repeat(50) + "SIZE) UTF-8 ALL",
            "INVALID a1 TOO_MANY_PARAMETERS"),
        Arguments.of("THREAD with unknown algorithm", "a1 THREAD REFS UTF-8 ALL", "INVALID a1 SYNTAX"),
        Arguments.of("THREAD without search key", "a1 UID THREAD REFERENCES UTF-8", "INVALID a1 SYNTAX"),
        Arguments.of("STORE without FLAGS", "a1 STORE 1 +FLAGGS (\\Seen)", "INVALID a1 SYNTAX"),
        Arguments.of("APPEND without literal", "a1 APPEND INBOX \"text\"", "INVALID a1 SYNTAX"),
        Arguments.of("bad date-time", "a1 APPEND INBOX \"1-Jan-2000 25:00:00 +0000\" {1+}\r\nx", "INVALID a1 SYNTAX"),
        Arguments.of("literal marker mid-line", "a1 LOGIN {3+}x y", "INVALID a1 SYNTAX"),
        Arguments.of("bad select parameter", "a1 SELECT INBOX (FOO)", "INVALID a1 SYNTAX"),
        Arguments.of("bare LF", "a1 NOOP\n", "DecodeFailure[error=BAD_LINE_ENDING, tag=a1, detail=line not terminated by CRLF]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedCommandFailsAndTheNextOneParses(String name, String line, String expected) {
    String input = line.endsWith("\n") ? line : line + "\r\n";
    ImapLimits limits = ImapLimits.DEFAULTS.withStructure(8, 8, 50);
    assertThat(parseAll(input + "z9 NOOP\r\n", true, limits).stream().map(String::valueOf))
        .containsExactly(expected, "Noop[tag=z9]");
  }
}

package dev.mailgate.mailbox.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Field values and the parameters Dovecot 2.3 shows for them in BODYSTRUCTURE. */
class MimeParametersTest {

  static Stream<Arguments> dovecotReadings() {
    return Stream.of(
        // a missing semicolon: the quoted value ends at its closing quote, the rest is skipped
        Arguments.of("multipart/mixed; boundary=\"q\" charset=\"x\"", Map.of("boundary", "q")),
        Arguments.of("multipart/mixed; boundary=\"q\"charset=\"x\"", Map.of("boundary", "q")),
        Arguments.of("multipart/mixed; boundary=q charset=x", Map.of("boundary", "q")),
        Arguments.of("multipart/mixed; charset=\"x\" boundary=\"q\"", Map.of("charset", "x")),
        Arguments.of("text/plain; name=\"a b.txt\" format=flowed", Map.of("name", "a b.txt")),
        // skipped only up to the next ';'
        Arguments.of("multipart/mixed; boundary=\"q\" junk; charset=x", Map.of("boundary", "q", "charset", "x")),
        Arguments.of("multipart/mixed; boundary=\"q\" ; charset=\"x\"", Map.of("boundary", "q", "charset", "x")),
        // quoting, escapes, comments and white space as RFC 2045 has them
        Arguments.of("multipart/mixed; boundary=\"a;b\"; x=y", Map.of("boundary", "a;b", "x", "y")),
        Arguments.of("multipart/mixed; boundary=\"q\\\"r\"; x=y", Map.of("boundary", "q\"r", "x", "y")),
        Arguments.of("multipart/mixed; boundary=q(comment); x=y", Map.of("boundary", "q", "x", "y")),
        Arguments.of("multipart/mixed (a;b); boundary = \"q\" ; x = y", Map.of("boundary", "q", "x", "y")),
        Arguments.of("text/plain; CharSet=UTF-8", Map.of("charset", "UTF-8")),
        Arguments.of("text/plain; charset=\"unclosed", Map.of()),
        Arguments.of("text/plain; a=1; b; c=3", Map.of("a", "1")), // the ';' b failed at is skipped
        Arguments.of("text/plain; a=1; c=", Map.of("a", "1", "c", "")),
        Arguments.of("text/plain", Map.of()),
        // RFC 2231: sections joined in index order, values left encoded, RFC 2047 words as written
        Arguments.of("application/pdf; name*0=\"long\"; name*1=\"name.pdf\"", Map.of("name", "longname.pdf")),
        Arguments.of("application/pdf; name*1=\"b.pdf\"; name*0=\"a\"", Map.of("name", "ab.pdf")),
        Arguments.of("application/pdf; name*=UTF-8''%E2%82%AC%20rates.pdf", Map.of("name*", "UTF-8''%E2%82%AC%20rates.pdf")),
        Arguments.of("application/pdf; name*0*=UTF-8''%E2%82%AC; name*1=\" rates.pdf\"",
            Map.of("name*", "UTF-8''%E2%82%AC rates.pdf")),
        Arguments.of("application/pdf; name*0=a; name*2=c", Map.of("name*0", "a", "name*2", "c")),
        Arguments.of("application/pdf; name=\"=?UTF-8?B?w6k=?=.pdf\"", Map.of("name", "=?UTF-8?B?w6k=?=.pdf")),
        Arguments.of("application/pdf; name==?UTF-8?B?w6k=?=.pdf; x=y", Map.of("name", "=?UTF-8?B?w6k=?=.pdf", "x", "y")));
  }

  @Test
  void plainSectionsOfAnEncodedValueAreEscapedAndJoinedParametersComeLast() {
    // Dovecot: ("x" "1" "y" "2" "name*" "''a%25b%41")
    assertThat(MimeParameters.parse("application/pdf; x=1; name*0=\"a%b\"; name*1*=%41; y=2"))
        .containsExactly(Map.entry("x", "1"), Map.entry("y", "2"), Map.entry("name*", "''a%25b%41"));
  }

  @ParameterizedTest
  @MethodSource("dovecotReadings")
  void parametersAreReadAsDovecotReadsThem(String field, Map<String, String> expected) {
    assertThat(MimeParameters.parse(field)).containsExactlyInAnyOrderEntriesOf(expected);
  }
}

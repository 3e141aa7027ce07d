package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.ProtocolError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: one command line in, one record (or failure) out, every split agreeing. */
class SmtpCommandParsingTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("HELO relay.example.org", new SmtpCommand.Helo("relay.example.org")),
        Arguments.of("ehlo [192.0.2.1]", new SmtpCommand.Ehlo("[192.0.2.1]")),
        Arguments.of("EHLO bar.com", new SmtpCommand.Ehlo("bar.com")),
        Arguments.of("MAIL FROM:<Smith@bar.com>",
            new SmtpCommand.Mail(path("Smith", "bar.com"), MailParameters.NONE)),
        Arguments.of("mail from:<>", new SmtpCommand.Mail(SmtpPath.NULL, MailParameters.NONE)),
        Arguments.of("MAIL FROM: <a@b.c>", new SmtpCommand.Mail(path("a", "b.c"), MailParameters.NONE)),
        Arguments.of("MAIL FROM:<a@b.c> SIZE=12345 BODY=8BITMIME SMTPUTF8 AUTH=u+2Bx@b.c RET=HDRS ENVID=Q+2B1",
            new SmtpCommand.Mail(path("a", "b.c"), new MailParameters(12345,
                MailParameters.Body.EIGHT_BITMIME, true, "u+x@b.c", MailParameters.Ret.HDRS, "Q+1",
                List.of()))),
        Arguments.of("MAIL FROM:<a@b.c> body=binarymime X-FOO=bar XYZ",
            new SmtpCommand.Mail(path("a", "b.c"), new MailParameters(-1,
                MailParameters.Body.BINARYMIME, false, null, null, null,
                List.of(new EsmtpParameter("X-FOO", "bar"), new EsmtpParameter("XYZ", null))))),
        Arguments.of("MAIL FROM:<\"john doe\"@example.com>",
            new SmtpCommand.Mail(path("\"john doe\"", "example.com"), MailParameters.NONE)),
        Arguments.of("MAIL FROM:<\"a\\\"b\"@example.com>",
            new SmtpCommand.Mail(path("\"a\\\"b\"", "example.com"), MailParameters.NONE)),
        Arguments.of("RCPT TO:<Jones@foo.com>",
            new SmtpCommand.Rcpt(path("Jones", "foo.com"), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<Postmaster>",
            new SmtpCommand.Rcpt(new SmtpPath("Postmaster", null, List.of(), false), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<u@[IPv6:2001:db8::1]>",
            new SmtpCommand.Rcpt(path("u", "[IPv6:2001:db8::1]"), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<u@[IPv6:::ffff:192.0.2.1]>",
            new SmtpCommand.Rcpt(path("u", "[IPv6:::ffff:192.0.2.1]"), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<u@[10.0.0.255]>",
            new SmtpCommand.Rcpt(path("u", "[10.0.0.255]"), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>",
            new SmtpCommand.Rcpt(new SmtpPath("userc", "d.bar.org", List.of("hosta.int", "jkl.org"), false),
                RcptParameters.NONE)),
        Arguments.of("RCPT TO:<用户@例子.广告> ",
            new SmtpCommand.Rcpt(new SmtpPath("用户", "例子.广告", List.of(), true), RcptParameters.NONE)),
        Arguments.of("RCPT TO:<a@b.c> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+40b.c",
            new SmtpCommand.Rcpt(path("a", "b.c"), new RcptParameters(
                Set.of(RcptParameters.Notify.SUCCESS, RcptParameters.Notify.FAILURE), "rfc822",
                "a+40b.c", List.of()))),
        Arguments.of("RCPT TO:<a@b.c> NOTIFY=NEVER",
            new SmtpCommand.Rcpt(path("a", "b.c"), new RcptParameters(
                Set.of(RcptParameters.Notify.NEVER), null, null, List.of()))),
        Arguments.of("RSET", new SmtpCommand.Rset()),
        Arguments.of("NOOP", new SmtpCommand.Noop(null)),
        Arguments.of("NOOP hello there", new SmtpCommand.Noop("hello there")),
        Arguments.of("QUIT", new SmtpCommand.Quit()),
        Arguments.of("VRFY Smith", new SmtpCommand.Vrfy("Smith")),
        Arguments.of("EXPN Example-People", new SmtpCommand.Expn("Example-People")),
        Arguments.of("HELP", new SmtpCommand.Help(null)),
        Arguments.of("HELP MAIL", new SmtpCommand.Help("MAIL")),
        Arguments.of("BDAT 86", new SmtpCommand.Bdat(86, false)),
        Arguments.of("XCLIENT NAME=spike.porcupine.org ADDR=168.100.189.2 LOGIN=a+2Bb",
            new SmtpCommand.Xclient(ordered("NAME", "spike.porcupine.org", "ADDR", "168.100.189.2",
                "LOGIN", "a+b"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void commandLineDecodesToItsRecord(String line, SmtpCommand expected) {
    assertThat(ServerHarness.decodeAllWays(line + "\r\n")).containsExactly(expected.toString());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("FOO bar", ProtocolError.UNKNOWN_COMMAND),
        Arguments.of("MAILX FROM:<a@b>", ProtocolError.UNKNOWN_COMMAND),
        Arguments.of("", ProtocolError.UNKNOWN_COMMAND),
        Arguments.of("HELO", ProtocolError.SYNTAX),
        Arguments.of("MAIL TO:<a@b.c>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:a@b.c", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a..b@c.d>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<.a@c.d>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@-c.d>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@c..d>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@[256.1.1.1]>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@[IPv6:1::2::3]>", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> SIZE=abc", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> SIZE=1 SIZE=2", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> BODY=9BIT", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> SMTPUTF8=yes", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> BODY=7BIT BODY=8BITMIME", ProtocolError.SYNTAX),
        Arguments.of("MAIL FROM:<a@b.c> ENVID=a+0Db", ProtocolError.BAD_CHARACTER),
        Arguments.of("MAIL FROM:<a@b.c> A B C D E F G H I J K L M N O P Q",
            ProtocolError.TOO_MANY_PARAMETERS),
        Arguments.of("RCPT TO:<>", ProtocolError.SYNTAX),
        Arguments.of("RCPT TO:<a@b.c> NOTIFY=NEVER,SUCCESS", ProtocolError.SYNTAX),
        Arguments.of("RCPT TO:<a\u0001@b.c>", ProtocolError.BAD_CHARACTER),
        Arguments.of("RCPT TO:<a\u0000@b.c>", ProtocolError.BAD_CHARACTER),
        Arguments.of("DATA now", ProtocolError.SYNTAX),
        Arguments.of("BDAT", ProtocolError.SYNTAX),
        Arguments.of("BDAT 12 FIRST", ProtocolError.SYNTAX),
        Arguments.of("BDAT 9999999999999999999", ProtocolError.SYNTAX),
        Arguments.of("AUTH", ProtocolError.SYNTAX),
        Arguments.of("AUTH PLAIN not*base64", ProtocolError.BAD_ENCODING),
        Arguments.of("AUTH PLAIN abc", ProtocolError.BAD_ENCODING),
        Arguments.of("XCLIENT NAME", ProtocolError.SYNTAX),
        Arguments.of("VRFY", ProtocolError.SYNTAX));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void malformedCommandGivesTypedFailure(String line, ProtocolError error) {
    assertThat(ServerHarness.decodeAllWays(line + "\r\n")).containsExactly("F:" + error);
  }

  @org.junit.jupiter.api.Test
  void aRepeatedSmtputf8AndTheSameBodyAgainAreAcceptedAsPythonSmtplibSendsThem() {
    // smtplib's send_message(msg, mail_options=["SMTPUTF8"]) for a non-ASCII sender adds its own
    // SMTPUTF8 and BODY=8BITMIME; Postfix takes the line, so must we.
    MailParameters expected = new MailParameters(169, MailParameters.Body.EIGHT_BITMIME, true, null, null, null,
        List.of());
    SmtpCommand.Mail mail = new SmtpCommand.Mail(
        new SmtpPath("j\u00f6rg", "b.c", List.of(), true), expected);
    assertThat(ServerHarness.decodeAllWays(
        "mail FROM:<j\u00f6rg@b.c> size=169 SMTPUTF8 SMTPUTF8 BODY=8BITMIME\r\n")).containsExactly(mail.toString());
    assertThat(ServerHarness.decodeAllWays(
        "MAIL FROM:<j\u00f6rg@b.c> SIZE=169 SMTPUTF8 BODY=8BITMIME SMTPUTF8 BODY=8BITMIME\r\n"))
        .containsExactly(mail.toString());
  }

  @org.junit.jupiter.api.Test
  void malformedUtf8InPathIsBadEncoding() {
    byte[] bad = "RCPT TO:<\u00ff\u00fe@b.c>\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    List<String> r = dev.mailgate.codec.testing.Splits.decode(
        ServerHarness.server(SmtpLimits.DEFAULTS, SmtpDataDecoder.Mode.PASS_THROUGH),
        List.of(bad), ServerHarness::describe);
    assertThat(r).containsExactly("F:" + ProtocolError.BAD_ENCODING);
  }

  @org.junit.jupiter.api.Test
  void authInitialResponseIsNeverPrinted() {
    assertThat(new SmtpCommand.Auth("PLAIN", "AGZvbwBiYXI=").toString()).doesNotContain("AGZv");
    assertThat(new SmtpCommand.AuthResponse("c2VjcmV0", false).toString()).doesNotContain("c2Vj");
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static SmtpPath path(String local, String domain) {
    return new SmtpPath(local, domain, List.of(), false);
  }
}

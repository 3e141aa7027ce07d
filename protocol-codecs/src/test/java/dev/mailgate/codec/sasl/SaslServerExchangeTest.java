package dev.mailgate.codec.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.ProtocolError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SaslServerExchangeTest {

  static Secret b64(String raw) {
    return Secret.wrap(Base64.getEncoder().encode(raw.getBytes(StandardCharsets.UTF_8)));
  }

  static Secret line(String base64) {
    return Secret.ofString(base64);
  }

  static String text(Secret s) {
    return new String(s.bytes(), StandardCharsets.UTF_8);
  }

  static SaslCredentials success(SaslStep step) {
    assertThat(step).isInstanceOf(SaslStep.Success.class);
    return ((SaslStep.Success) step).credentials();
  }

  static void badEncoding(SaslStep step) {
    assertThat(step).isInstanceOf(SaslStep.Failure.class);
    assertThat(((SaslStep.Failure) step).failure().error()).isEqualTo(ProtocolError.BAD_ENCODING);
  }

  static void rejected(SaslStep step) {
    assertThat(step).isInstanceOf(SaslStep.Rejected.class);
  }

  @Test
  void plainRfc4616ExamplesDecode() {
    // RFC 4616 section 4: "\0tim\0tanstaaftanstaaf" and "Ursel\0Kurt\0xipj3plmq"
    var tim = (SaslCredentials.Password) success(
        SaslServerExchange.create(SaslMechanism.PLAIN, "h").start(line("AHRpbQB0YW5zdGFhZnRhbnN0YWFm")));
    assertThat(tim.authzid()).isEmpty();
    assertThat(tim.user()).isEqualTo("tim");
    assertThat(text(tim.password())).isEqualTo("tanstaaftanstaaf");
    var kurt = (SaslCredentials.Password) success(
        SaslServerExchange.create(SaslMechanism.PLAIN, "h").start(b64("Ursel\0Kurt\0xipj3plmq")));
    assertThat(kurt.authzid()).isEqualTo("Ursel");
    assertThat(kurt.user()).isEqualTo("Kurt");
    assertThat(text(kurt.password())).isEqualTo("xipj3plmq");
    assertThat(kurt.toString()).doesNotContain("xipj3plmq");
  }

  @Test
  void plainWithoutInitialResponseSendsAnEmptyChallenge() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.PLAIN, "h");
    SaslStep first = x.start(null);
    assertThat(((SaslStep.Challenge) first).base64()).isEmpty();
    assertThat(success(x.respond(b64("\0u\0p"))).user()).isEqualTo("u");
    assertThat(x.finished()).isTrue();
  }

  @Test
  void loginAsksForUsernameThenPassword() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.LOGIN, "h");
    assertThat(((SaslStep.Challenge) x.start(null)).base64()).isEqualTo("VXNlcm5hbWU6");
    assertThat(((SaslStep.Challenge) x.respond(b64("alice"))).base64()).isEqualTo("UGFzc3dvcmQ6");
    var p = (SaslCredentials.Password) success(x.respond(b64("pass word")));
    assertThat(p.user()).isEqualTo("alice");
    assertThat(text(p.password())).isEqualTo("pass word");
  }

  @Test
  void loginAcceptsTheUsernameAsInitialResponse() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.LOGIN, "h");
    assertThat(((SaslStep.Challenge) x.start(b64("alice"))).base64()).isEqualTo("UGFzc3dvcmQ6");
    assertThat(success(x.respond(b64("pw"))).user()).isEqualTo("alice");
  }

  @Test
  void cramMd5Rfc2195ExampleVerifies() {
    // RFC 2195 section 2: the digest is fixed by the challenge, so decode against the RFC's one
    SaslStep step = SaslCramMd5.decode(
        Base64.getDecoder().decode("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"),
        "<1896.697170952@postoffice.reston.mci.net>");
    var c = (SaslCredentials.CramMd5) success(step);
    assertThat(c.user()).isEqualTo("tim");
    assertThat(c.verify(Secret.ofString("tanstaaftanstaaf"))).isTrue();
    assertThat(c.verify(Secret.ofString("wrong"))).isFalse();
    assertThat(new String(SaslCramMd5.encode("tim", Secret.ofString("tanstaaftanstaaf"),
        "<1896.697170952@postoffice.reston.mci.net>"), StandardCharsets.US_ASCII))
        .isEqualTo("tim b913a602c7eda7a495b4e6e7334d3890");
  }

  @Test
  void cramMd5ExchangeIssuesAUniqueChallengeAndVerifiesTheAnswer() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.CRAM_MD5, "mail.example.org");
    SaslStep.Challenge c = (SaslStep.Challenge) x.start(null);
    String challenge = new String(c.data(), StandardCharsets.US_ASCII);
    assertThat(challenge).matches("<\\d+\\.\\d+@mail\\.example\\.org>");
    assertThat(SaslCramMd5.challenge("h")).isNotEqualTo(SaslCramMd5.challenge("h"));
    byte[] answer = SaslCramMd5.encode("bob", Secret.ofString("s3cret"), challenge);
    var creds = (SaslCredentials.CramMd5) success(x.respond(Secret.wrap(Base64.getEncoder().encode(answer))));
    assertThat(creds.verify(Secret.ofString("s3cret"))).isTrue();
  }

  @Test
  void oauthBearerRfc7628ExampleDecodes() {
    // RFC 7628 section 4.1
    var t = (SaslCredentials.Token) success(SaslServerExchange.create(SaslMechanism.OAUTHBEARER, "h")
        .start(line("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9"
            + "QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB")));
    assertThat(t.user()).isEqualTo("user@example.com");
    assertThat(t.host()).isEqualTo("server.example.com");
    assertThat(t.port()).isEqualTo(143);
    assertThat(text(t.token())).isEqualTo("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
  }

  @Test
  void oauthBearerErrorChallengeEndsInFailureAfterTheClientsAck() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.OAUTHBEARER, "h");
    success(x.start(b64("n,,\u0001auth=Bearer abc\u0001\u0001")));
    SaslStep.Challenge err = (SaslStep.Challenge) x.rejectWithChallenge(
        "{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.US_ASCII));
    assertThat(err.base64()).isNotEmpty();
    assertThat(x.respond(line("AQ=="))).isInstanceOf(SaslStep.Failure.class);
    assertThat(x.finished()).isTrue();
  }

  @Test
  void oauthBearerSaslnameEscapesAreDecoded() {
    var t = (SaslCredentials.Token) success(SaslOauthBearer.decode(
        "n,a=a=2Cb=3Dc,\u0001auth=Bearer x\u0001\u0001".getBytes(StandardCharsets.US_ASCII)));
    assertThat(t.user()).isEqualTo("a,b=c");
  }

  @Test
  void xoauth2GoogleExampleDecodes() {
    var t = (SaslCredentials.Token) success(SaslServerExchange.create(SaslMechanism.XOAUTH2, "h")
        .start(line("dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbG"
            + "NrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==")));
    assertThat(t.user()).isEqualTo("someuser@example.com");
    assertThat(text(t.token())).isEqualTo("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg");
    assertThat(t.toString()).doesNotContain("ya29");
  }

  @Test
  void externalCarriesTheAuthzid() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.EXTERNAL, "h");
    assertThat(success(x.start(line("="))).authzid()).isEmpty();
    assertThat(success(SaslServerExchange.create(SaslMechanism.EXTERNAL, "h").start(b64("admin")))
        .authzid()).isEqualTo("admin");
  }

  @Test
  void starCancelsAtAnyStep() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.LOGIN, "h");
    x.start(null);
    x.respond(b64("alice"));
    assertThat(x.respond(line("*"))).isEqualTo(SaslStep.Cancelled.INSTANCE);
    assertThat(x.respond(b64("late"))).isInstanceOf(SaslStep.Failure.class);
  }

  static Stream<Arguments> notBase64() {
    return Stream.of(
        Arguments.of("bad base64 alphabet", SaslMechanism.PLAIN, "AHRpbQ!0YW5z"),
        Arguments.of("bad base64 length", SaslMechanism.PLAIN, "AHRpbQB0YW5"),
        Arguments.of("LOGIN bad base64", SaslMechanism.LOGIN, "YWxp!2U="));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notBase64")
  void aLineThatIsNotBase64IsBadEncoding(String name, SaslMechanism mech, String base64) {
    badEncoding(SaslServerExchange.create(mech, "h").start(line(base64)));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("PLAIN empty message (=)", SaslMechanism.PLAIN, "="),
        Arguments.of("PLAIN with one NUL", SaslMechanism.PLAIN, raw("tim\0pw")),
        Arguments.of("PLAIN with three NULs", SaslMechanism.PLAIN, raw("\0tim\0pw\0")),
        Arguments.of("PLAIN empty user", SaslMechanism.PLAIN, raw("\0\0pw")),
        Arguments.of("PLAIN empty password", SaslMechanism.PLAIN, raw("\0tim\0")),
        Arguments.of("PLAIN field over 255", SaslMechanism.PLAIN, raw("\0" + "u".repeat(256) + "\0pw")),
        Arguments.of("PLAIN not UTF-8", SaslMechanism.PLAIN,
            Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xC3, 0x28, 0, 'p'})),
        Arguments.of("XOAUTH2 no terminator", SaslMechanism.XOAUTH2, raw("user=a\u0001auth=Bearer t")),
        Arguments.of("XOAUTH2 no token", SaslMechanism.XOAUTH2, raw("user=a\u0001\u0001")),
        Arguments.of("XOAUTH2 unknown key", SaslMechanism.XOAUTH2, raw("user=a\u0001x=1\u0001auth=Bearer t\u0001\u0001")),
        Arguments.of("OAUTHBEARER channel binding", SaslMechanism.OAUTHBEARER, raw("p=tls-unique,,\u0001auth=Bearer t\u0001\u0001")),
        Arguments.of("OAUTHBEARER no auth", SaslMechanism.OAUTHBEARER, raw("n,,\u0001host=h\u0001\u0001")),
        Arguments.of("OAUTHBEARER bad port", SaslMechanism.OAUTHBEARER, raw("n,,\u0001port=99999\u0001auth=Bearer t\u0001\u0001")),
        Arguments.of("OAUTHBEARER bad saslname", SaslMechanism.OAUTHBEARER, raw("n,a=x=41,\u0001auth=Bearer t\u0001\u0001")),
        Arguments.of("OAUTHBEARER token with space", SaslMechanism.OAUTHBEARER, raw("n,,\u0001auth=Bearer a b\u0001\u0001")),
        Arguments.of("EXTERNAL NUL", SaslMechanism.EXTERNAL, raw("a\0b")));
  }

  static String raw(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A message that decodes but breaks its mechanism's format is a failed authentication, as
   * Dovecot's mechanisms treat it ("invalid input"), not a syntax error; never an exception.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedMessagesAreRejectedCredentialsNeverExceptions(String name, SaslMechanism mech,
      String base64) {
    rejected(SaslServerExchange.create(mech, "h").start(line(base64)));
  }

  /**
   * After a challenge the empty response is an empty line, which is rejected credentials for
   * PLAIN; {@code =} there is not base64 (it stands for empty only as an initial response), as
   * Dovecot answers: "BAD Invalid base64 data in continued response".
   */
  @Test
  void afterTheChallengeAnEmptyLineIsRejectedCredentialsAndAnEqualsSignIsNotBase64() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.PLAIN, "h");
    x.start(null);
    rejected(x.respond(line("")));
    assertThat(x.finished()).isTrue();
    SaslServerExchange y = SaslServerExchange.create(SaslMechanism.PLAIN, "h");
    y.start(null);
    badEncoding(y.respond(line("=")));
  }

  @Test
  void cramMd5MalformedAnswersAreRejectedAndAnInitialResponseIsBadEncoding() {
    for (String answer : new String[] {"tim", "tim B913A602C7EDA7A495B4E6E7334D3890", "tim b913", " " + "a".repeat(32)}) {
      SaslServerExchange x = SaslServerExchange.create(SaslMechanism.CRAM_MD5, "h");
      x.start(null);
      rejected(x.respond(b64(answer)));
    }
    badEncoding(SaslServerExchange.create(SaslMechanism.CRAM_MD5, "h").start(b64("tim x")));
  }

  @Test
  void loginRejectsAnEmptyUser() {
    SaslServerExchange x = SaslServerExchange.create(SaslMechanism.LOGIN, "h");
    x.start(null);
    rejected(x.respond(line("")));
  }
}

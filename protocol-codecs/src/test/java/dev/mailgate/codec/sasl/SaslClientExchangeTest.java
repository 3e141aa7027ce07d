package dev.mailgate.codec.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslClientExchangeTest {
  static final SaslCredentials.Password TIM =
      new SaslCredentials.Password("", "tim", Secret.ofString("tanstaaftanstaaf"));

  static String text(Secret s) {
    return new String(s.bytes(), StandardCharsets.US_ASCII);
  }

  /** Runs a client exchange against a server exchange and returns what the server decoded. */
  static SaslCredentials replay(SaslMechanism mech, SaslCredentials creds, boolean initialResponse) {
    SaslClientExchange client = SaslClientExchange.create(mech, creds);
    SaslServerExchange server = SaslServerExchange.create(mech, "backend.example.org");
    Secret ir = initialResponse ? client.initialResponse() : null;
    SaslStep step = server.start(ir);
    for (int i = 0; i < 4 && step instanceof SaslStep.Challenge c; i++) {
      step = server.respond(client.respond(c.base64()));
    }
    assertThat(step).isInstanceOf(SaslStep.Success.class);
    return ((SaslStep.Success) step).credentials();
  }

  @Test
  void plainCredentialsReplayAsPlainLoginAndCramMd5() {
    SaslCredentials.Password fromPlain = (SaslCredentials.Password) replay(SaslMechanism.PLAIN, TIM, true);
    assertThat(fromPlain.user()).isEqualTo("tim");
    assertThat(fromPlain.password()).isEqualTo(TIM.password());
    assertThat(replay(SaslMechanism.PLAIN, TIM, false).user()).isEqualTo("tim");
    SaslCredentials.Password fromLogin = (SaslCredentials.Password) replay(SaslMechanism.LOGIN, TIM, false);
    assertThat(fromLogin.password()).isEqualTo(TIM.password());
    SaslCredentials.CramMd5 cram = (SaslCredentials.CramMd5) replay(SaslMechanism.CRAM_MD5, TIM, false);
    assertThat(cram.verify(TIM.password())).isTrue();
  }

  @Test
  void plainInitialResponseMatchesRfc4616() {
    Secret ir = SaslClientExchange.create(SaslMechanism.PLAIN, TIM).initialResponse();
    assertThat(text(ir)).isEqualTo("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  }

  @Test
  void cramMd5AnswerMatchesRfc2195() {
    SaslClientExchange c = SaslClientExchange.create(SaslMechanism.CRAM_MD5, TIM);
    assertThat(c.initialResponse()).isNull();
    assertThat(text(c.respond("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")))
        .isEqualTo("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  }

  @Test
  void tokensReplayAsXoauth2AndOauthBearer() {
    SaslCredentials.Token token = new SaslCredentials.Token("", "user@example.com",
        Secret.ofString("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="), "server.example.com", 143);
    // OAUTHBEARER reproduces RFC 7628 section 4.1 byte for byte
    assertThat(text(SaslClientExchange.create(SaslMechanism.OAUTHBEARER, token).initialResponse()))
        .isEqualTo("bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9"
            + "QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
    SaslCredentials.Token back = (SaslCredentials.Token) replay(SaslMechanism.XOAUTH2, token, true);
    assertThat(back.user()).isEqualTo("user@example.com");
    assertThat(back.token()).isEqualTo(token.token());
    assertThat(replay(SaslMechanism.OAUTHBEARER, token, false).user()).isEqualTo("user@example.com");
  }

  @Test
  void errorChallengesAfterATokenGetTheDummyAnswer() {
    SaslCredentials.Token token = new SaslCredentials.Token("", "u", Secret.ofString("t"), "", -1);
    String json = Base64.getEncoder().encodeToString("{\"status\":\"401\"}".getBytes(StandardCharsets.US_ASCII));
    SaslClientExchange bearer = SaslClientExchange.create(SaslMechanism.OAUTHBEARER, token);
    bearer.initialResponse();
    assertThat(text(bearer.respond(json))).isEqualTo("AQ==");
    SaslClientExchange x = SaslClientExchange.create(SaslMechanism.XOAUTH2, token);
    x.initialResponse();
    assertThat(text(x.respond(json))).isEmpty();
  }

  @Test
  void refusesMechanismsTheCredentialsCannotServe() {
    SaslCredentials.CramMd5 cram = new SaslCredentials.CramMd5("u", "<c>", "0".repeat(32));
    assertThat(SaslClientExchange.canReplay(cram, SaslMechanism.CRAM_MD5)).isFalse();
    assertThatThrownBy(() -> SaslClientExchange.create(SaslMechanism.XOAUTH2, TIM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badBase64ChallengeCancels() {
    SaslClientExchange c = SaslClientExchange.create(SaslMechanism.LOGIN, TIM);
    assertThat(text(c.respond("!!!"))).isEqualTo("*");
  }

  @Test
  void mechanismLookupIsCaseInsensitive() {
    assertThat(SaslMechanism.lookup("cram-md5")).isEqualTo(SaslMechanism.CRAM_MD5);
    assertThat(SaslMechanism.lookup("GSSAPI")).isNull();
  }
}

package dev.mailgate.gateway.proxy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.sasl.SaslMechanism;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendCapabilitiesTest {

  @Test
  void namesAreFoundInAnyCaseAndOnlyWhole() {
    BackendCapabilities c =
        BackendCapabilities.of("  IMAP4rev1 sasl-ir LOGIN-REFERRALS ID  ENABLE IDLE literal+ StartTLS AUTH=plain ");
    assertThat(c.has(BackendCapabilities.STARTTLS)).isTrue();
    assertThat(c.has(BackendCapabilities.ID)).isTrue();
    assertThat(c.has(BackendCapabilities.SASL_IR)).isTrue();
    assertThat(c.has(BackendCapabilities.LITERAL_PLUS)).isTrue();
    assertThat(c.has(BackendCapabilities.LOGINDISABLED)).isFalse();
    assertThat(c.offers(SaslMechanism.PLAIN)).isTrue();
    assertThat(c.offers(SaslMechanism.LOGIN)).isFalse();
    assertThat(BackendCapabilities.of("IDLE STARTTLSX AUTH=PLAINX LITERAL- X-ID").bits()).isZero();
    assertThat(BackendCapabilities.of((String) null).bits()).isZero();
  }

  @Test
  void aCapabilityResponseListGivesTheSameAnswersAsTheCodeText() {
    String text = "IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2 AUTH=OAUTHBEARER ID";
    assertThat(BackendCapabilities.of(List.of(text.toUpperCase().split(" "))))
        .isEqualTo(BackendCapabilities.of(text));
    assertThat(BackendCapabilities.of(text).offers(SaslMechanism.OAUTHBEARER)).isTrue();
    assertThat(BackendCapabilities.of(text).has(BackendCapabilities.LOGINDISABLED)).isTrue();
  }

  @Test
  void aBackendListInOneSpacedFormReachesTheClientAsItIs() {
    ResponseCode dovecot = new ResponseCode("CAPABILITY", "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE");
    assertThat(BackendLogin.forClient(dovecot)).isSameAs(dovecot);
  }

  @Test
  void anUnevenlySpacedOrLowerCaseCodeIsRewrittenOneSpaceApart() {
    assertThat(BackendLogin.forClient(new ResponseCode("CAPABILITY", " IMAP4rev1  IDLE ")).toString())
        .isEqualTo("CAPABILITY IMAP4rev1 IDLE");
    assertThat(BackendLogin.forClient(new ResponseCode("capability", "IMAP4rev1 IDLE")).toString())
        .isEqualTo("CAPABILITY IMAP4rev1 IDLE");
    assertThat(BackendLogin.forClient(new ResponseCode("CAPABILITY", null)).toString())
        .isEqualTo("CAPABILITY ");
  }
}

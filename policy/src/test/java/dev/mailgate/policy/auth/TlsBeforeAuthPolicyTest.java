package dev.mailgate.policy.auth;

import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.net.Cidr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsBeforeAuthPolicyTest {
  private final TlsBeforeAuthPolicy policy = new TlsBeforeAuthPolicy("tls-before-auth", true,
      Map.of("office", List.of(Cidr.parse("10.0.0.0/8"))));

  @Test
  void plaintextLoginIsRefusedExceptFromLoopbackByDefault() {
    assertThat(policy.decide(connect("192.0.2.1").withAuthAttempt("a@x", false)))
        .isInstanceOfSatisfying(Decision.Deny.class,
            d -> assertThat(d.kind()).isEqualTo(DenyKind.TLS_REQUIRED));
    assertThat(policy.decide(connect("127.0.0.1").withAuthAttempt("a@x", false)))
        .isEqualTo(Decision.ALLOW);
    assertThat(policy.decide(connect("192.0.2.1").withAuthAttempt("a@x", true)))
        .isEqualTo(Decision.ALLOW);
  }

  @Test
  void aListenerMayAllowItsOwnNetworks() {
    var office = dev.mailgate.policy.PolicyFacts.connect(dev.mailgate.policy.Facts.ip("10.1.1.1"),
        "office", dev.mailgate.policy.MailProtocol.IMAP, false);
    assertThat(policy.plaintextLoginAllowed(office)).isTrue();
    assertThat(policy.plaintextLoginAllowed(connect("10.1.1.1"))).isFalse();
  }

  @Test
  void turningTheRequirementOffAllowsEveryone() {
    var off = new TlsBeforeAuthPolicy("t", false, Map.of());
    assertThat(off.decide(connect("192.0.2.1").withAuthAttempt("a@x", false)))
        .isEqualTo(Decision.ALLOW);
  }
}

package dev.mailgate.policy.net;

import static dev.mailgate.policy.Facts.connect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;
import dev.mailgate.policy.limit.NetworkRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkAccessPolicyTest {
  @Test
  void denyWinsOverAllowAndAnAllowListShutsOutTheRest() {
    NetworkAccessPolicy p = new NetworkAccessPolicy("network-access", new NetworkRules(
        List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.6.6.0/24"))));
    assertThat(p.decide(connect("10.1.2.3"))).isEqualTo(Decision.ALLOW);
    assertThat(p.decide(connect("10.6.6.6"))).isInstanceOfSatisfying(Decision.Deny.class,
        d -> assertThat(d.kind()).isEqualTo(DenyKind.NETWORK_DENIED));
    assertThat(p.decide(connect("192.0.2.1")).isDeny()).isTrue();
  }

  @Test
  void openRulesAllowEveryone() {
    NetworkAccessPolicy p = new NetworkAccessPolicy("n", NetworkRules.OPEN);
    assertThat(p.decide(connect("2001:db8::1"))).isEqualTo(Decision.ALLOW);
  }
}

package dev.mailgate.policy.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  private static InetAddress ip(String s) {
    return IpLiterals.parse(s).orElseThrow();
  }

  @Test
  void ipv4NetworksContainTheirAddressesOnly() {
    Cidr c = Cidr.parse("192.168.10.0/23");
    assertThat(c.contains(ip("192.168.11.254"))).isTrue();
    assertThat(c.contains(ip("192.168.12.1"))).isFalse();
    assertThat(c.toString()).isEqualTo("192.168.10.0/23");
  }

  @Test
  void ipv6NetworksAndHostsMatch() {
    assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
    assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
  }

  @Test
  void familiesNeverMatchEachOtherButMappedAddressesAreIpv4() {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
    assertThat(Cidr.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
  }

  @Test
  void networkOfMasksTheHostBits() {
    assertThat(Cidr.of(ip("203.0.113.77"), 24)).isEqualTo(Cidr.parse("203.0.113.0/24"));
    assertThat(Cidr.of(ip("2001:db8:1:2:3:4:5:6"), 64)).isEqualTo(Cidr.parse("2001:db8:1:2::/64"));
  }

  @Test
  void badTextIsRefusedWithoutAskingDns() {
    assertThatThrownBy(() -> Cidr.parse("mail.example.org/24")).hasMessageContaining("not an IP");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Cidr.parse("300.0.0.1")).hasMessageContaining("not an IP");
    assertThat(IpLiterals.parse("localhost")).isEmpty();
  }
}

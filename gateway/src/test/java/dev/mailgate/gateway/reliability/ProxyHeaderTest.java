package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROXY protocol headers from a peer outside the listener's trusted networks (the lb-smtp
 * listener trusts 127.0.0.2 only; the tests connect from 127.0.0.1): the connection is a direct
 * one, the header is just bad input (the standard reply, the session carries on), and the address
 * it claims is never used: the stored message's trace header names the real peer.
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class ProxyHeaderTest {
  private static final String CLAIMED = "203.0.113.77";
  private final RunningGateway gw;

  ProxyHeaderTest(RunningGateway gw) {
    this.gw = gw;
  }

  @Test
  @Case(on = "smtp with proxy_protocol (trusts 127.0.0.2)", input = "PROXY v1 header from untrusted 127.0.0.1, then a message",
      expect = "500 5.5.1 for the header, session usable, the claimed address appears nowhere in the stored message")
  void aProxyV1HeaderFromAnUntrustedPeerIsBadInputAndItsAddressIsIgnored(Observed seen) {
    String tag = UUID.randomUUID().toString();
    try (Wire w = Wire.connect(gw.port("lb-smtp"))) {
      w.expectReply("220 .*");
      w.line("PROXY TCP4 " + CLAIMED + " 127.0.0.1 40000 25");
      seen.saw(w.expectReply("500 5\\.5\\.1 .*"));
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250 .*");
      w.line("RCPT TO:<" + RunningGateway.USER + ">").expectReply("250 .*");
      w.line("DATA").expectReply("354 .*");
      w.send("Subject: " + tag + "\r\n\r\nbody\r\n.\r\n");
      w.expectReply("250 .*");
    }
    List<String> stored = gw.inbox(RunningGateway.USER).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1)).filter(m -> m.contains(tag)).toList();
    assertThat(stored).hasSize(1);
    String received = stored.get(0).lines().filter(l -> l.startsWith("Received:")).findFirst().orElse("");
    seen.saw(received.length() > 90 ? received.substring(0, 90) : received);
    assertThat(stored.get(0)).doesNotContain(CLAIMED).contains("127.0.0.1");
  }

  @Test
  @Case(on = "smtp with proxy_protocol (trusts 127.0.0.2)", input = "101 connections at once from the trusted balancer, all for one client (PROXY v1, 198.51.100.8)",
      expect = "the default 100 per address counts the client, not the exempt loopback balancer: 100 greeted, the 101st gets 421 4.7.0")
  void aClientBehindTheTrustedBalancerIsCountedByItsOwnAddress(Observed seen) throws Exception {
    java.net.InetAddress balancer = java.net.InetAddress.getByName("127.0.0.2");
    List<Wire> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        open.add(Wire.connect(balancer, gw.port("lb-smtp")).line("PROXY TCP4 198.51.100.8 127.0.0.1 " + (41000 + i) + " 25"));
      }
      for (Wire w : open) {
        w.expectReply("220 .*");
      }
      try (Wire extra = Wire.connect(balancer, gw.port("lb-smtp"))) {
        extra.line("PROXY TCP4 198.51.100.8 127.0.0.1 41100 25");
        seen.saw(extra.expectReply("421 4\\.7\\.0 .*"));
      }
    } finally {
      open.forEach(Wire::close);
    }
  }

  @Test
  @Case(on = "smtp with proxy_protocol (trusts 127.0.0.2)", input = "the same PROXY v1 header from the trusted 127.0.0.2; then a malformed one",
      expect = "control: the claimed address is used (Received header); a malformed header from the trusted peer closes before the greeting")
  void theSameHeaderFromTheTrustedBalancerIsHonouredAndAMalformedOneCloses(Observed seen) throws Exception {
    java.net.InetAddress balancer = java.net.InetAddress.getByName("127.0.0.2");
    String tag = UUID.randomUUID().toString();
    try (Wire w = Wire.connect(balancer, gw.port("lb-smtp"))) {
      w.line("PROXY TCP4 " + CLAIMED + " 127.0.0.1 40000 25");
      w.expectReply("220 .*");
      w.line("EHLO client.test").expectReply("250.*");
      w.line("MAIL FROM:<sender@elsewhere.test>").expectReply("250 .*");
      w.line("RCPT TO:<" + RunningGateway.USER + ">").expectReply("250 .*");
      w.line("DATA").expectReply("354 .*");
      w.send("Subject: " + tag + "\r\n\r\nbody\r\n.\r\n");
      w.expectReply("250 .*");
    }
    String stored = gw.inbox(RunningGateway.USER).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1)).filter(m -> m.contains(tag)).findFirst().orElseThrow();
    String received = stored.lines().filter(l -> l.startsWith("Received:")).findFirst().orElse("");
    seen.saw(received.length() > 90 ? received.substring(0, 90) : received);
    assertThat(received).contains(CLAIMED);
    try (Wire w = Wire.connect(balancer, gw.port("lb-smtp"))) {
      w.line("PROXY TCP4 not-an-address 127.0.0.1 40000 25");
      String rest = w.readUntilClosed();
      seen.saw("malformed header: closed after " + rest.length() + " bytes");
      assertThat(rest).doesNotContain("220");
    }
  }

  @Test
  @Case(on = "smtp with proxy_protocol (trusts 127.0.0.2)", input = "PROXY v2 binary header from untrusted 127.0.0.1",
      expect = "a 5xx reply for the junk, session usable")
  void aProxyV2HeaderFromAnUntrustedPeerIsBadInput(Observed seen) {
    // signature, v2 PROXY, TCP over IPv4, 12 address bytes: 203.0.113.77:40000 -> 127.0.0.1:25
    byte[] header = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c"
        + "cb00714d" + "7f000001" + "9c40" + "0019");
    try (Wire w = Wire.connect(gw.port("lb-smtp"))) {
      w.expectReply("220 .*");
      w.send(header).send("\r\n");
      String r = w.smtpReply();
      seen.saw(r);
      while (r.startsWith("5") && !r.startsWith("500 5.5.1") && !r.startsWith("500 5.5.2")) {
        r = w.smtpReply();
      }
      assertThat(r).matches("50[0-9] 5\\.5\\.[0-9] .*");
      w.line("NOOP");
      String noop = w.smtpReply();
      while (!noop.startsWith("250")) {
        assertThat(noop).matches("50[0-9] 5\\.5\\.[0-9] .*"); // the header's CRLF-separated pieces
        noop = w.smtpReply();
      }
      seen.saw(noop);
    }
  }
}

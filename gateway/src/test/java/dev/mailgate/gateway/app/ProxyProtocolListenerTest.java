package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.proxy.ProxyHeader;
import dev.mailgate.codec.proxy.ProxyProtocolEncoder;
import dev.mailgate.gateway.testing.Transcript;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.SubjectTerm;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROXY protocol on listeners (issue 3 item 1): a header from a trusted balancer sets the client
 * address the session uses (seen in the Received header of a delivered message), for v1 and v2; a
 * peer outside the trusted networks is a direct client whose "PROXY" line is just a bad command; a
 * malformed header from a trusted peer closes the connection before any greeting.
 */
class ProxyProtocolListenerTest {

  private static final int LB = 2525;
  private static final int DIRECT = 2526;
  private static final int IMAP = 2143;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static MailgateApp app;
  static int offset;

  @BeforeAll
  static void start() throws Exception {
    offset = FreePorts.offsetFor(LB, DIRECT, IMAP, 8025);
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, """
        server: { hostname: mx.example.test, data_dir: "%s" }
        listeners:
          - name: lb
            protocol: smtp
            bind: "127.0.0.1:%d"
            tls: none
            proxy_protocol: { enabled: true, trusted_networks: [127.0.0.0/8] }
          - name: direct
            protocol: smtp
            bind: "127.0.0.1:%d"
            tls: none
            proxy_protocol: { enabled: true, trusted_networks: [192.0.2.0/24] }
          - { name: imap, protocol: imap, bind: "127.0.0.1:%d", tls: none }
        routes:
          - { name: everyone-local, target: local }
        authentication: { mode: verify }
        local: { accepted_domains: [example.test] }
        """.formatted(dir.resolve("data"), LB, DIRECT, IMAP));
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), offset, Duration.ofSeconds(5), false),
        ProtocolHandlers.standard());
    app.context().users().add("me@example.test", "s3cret-pw".toCharArray()).block(TIMEOUT);
    // the gateway provisions new users' mailboxes within a second; wait for it rather than race it
    Awaitility.await().atMost(TIMEOUT).untilAsserted(() -> assertThat(app.context().store()
        .mailboxes("me@example.test").collectList().block(TIMEOUT)).isNotEmpty());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aV1HeaderFromATrustedBalancerBecomesTheClientAddress() throws Exception {
    byte[] header = "PROXY TCP4 203.0.113.7 127.0.0.1 40001 25\r\n".getBytes(StandardCharsets.US_ASCII);
    deliver(LB, header, "via v1");
    assertThat(received("via v1")).contains("[203.0.113.7]");
  }

  @Test
  void aV2HeaderFromATrustedBalancerBecomesTheClientAddress() throws Exception {
    ByteBuf b = Unpooled.buffer();
    ProxyProtocolEncoder.writeV2(ProxyHeader.tcp(2, new InetSocketAddress("2001:db8::42", 40002),
        new InetSocketAddress("2001:db8::1", 25), List.of()), b);
    byte[] header = ByteBufUtil.getBytes(b);
    b.release();
    deliver(LB, header, "via v2");
    assertThat(received("via v2")).contains("[2001:db8:0:0:0:0:0:42]");
  }

  @Test
  void aPeerOutsideTheTrustedNetworksIsADirectClientAndItsProxyLineIsABadCommand() {
    try (Transcript.Client c = Transcript.Client.connect(address(DIRECT), TIMEOUT)) {
      c.run("""
          S: 220 .*
          C: PROXY TCP4 203.0.113.9 127.0.0.1 40003 25
          S: 500 .*
          C: EHLO client.example
          S: 250-.*
          S*: 250-.*
          S: 250 .*
          C: QUIT
          S: 221 .*
          """);
    }
  }

  @Test
  void aMalformedHeaderFromATrustedPeerClosesTheConnectionBeforeAnyGreeting() {
    try (Transcript.Client c = Transcript.Client.connect(address(LB), TIMEOUT)) {
      c.send("EHLO no-header.example\r\n".getBytes(StandardCharsets.US_ASCII)).run("!CLOSED");
    }
    // the listener goes on serving
    try (Transcript.Client c = Transcript.Client.connect(address(LB), TIMEOUT)) {
      c.send("PROXY TCP4 198.51.100.1 127.0.0.1 1 25\r\n".getBytes(StandardCharsets.US_ASCII)).run("""
          S: 220 .*
          C: QUIT
          S: 221 .*
          """);
    }
  }

  private static void deliver(int port, byte[] header, String subject) {
    try (Transcript.Client c = Transcript.Client.connect(address(port), TIMEOUT)) {
      c.send(header).run("""
          S: 220 .*
          C: EHLO balancer-client.example
          S: 250-.*
          S*: 250-.*
          S: 250 .*
          C: MAIL FROM:<someone@elsewhere.example>
          S: 250 .*
          C: RCPT TO:<me@example.test>
          S: 250 .*
          C: DATA
          S: 354 .*
          C: Subject: %s
          C:
          C: hello
          C: .
          S: 250 .*
          C: QUIT
          S: 221 .*
          """.formatted(subject));
    }
  }

  private static String received(String subject) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", IMAP + offset, "me@example.test", "s3cret-pw");
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message[] found = inbox.search(new SubjectTerm(subject));
      assertThat(found).hasSize(1);
      return String.join("\n", found[0].getHeader("Received"));
    } finally {
      store.close();
    }
  }

  private static InetSocketAddress address(int base) {
    return new InetSocketAddress("127.0.0.1", base + offset);
  }
}

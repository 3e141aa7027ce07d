package dev.mailgate.gateway.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.mailgate.gateway.logging.CapturedLogs;
import io.netty.channel.Channel;
import io.netty.channel.unix.Errors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A listener that cannot accept (out of file descriptors) says so, pauses, and accepts again. */
class AcceptFailuresTest {

  static Transport transport;

  @BeforeAll
  static void setUp() {
    transport = Transport.create("test-accept", 1);
  }

  @AfterAll
  static void tearDown() {
    transport.close();
  }

  static final ProtocolHandler GREET =
      (c, ctx) -> c.outbound().sendString(reactor.core.publisher.Mono.just("* OK ready\r\n"), US_ASCII).then();

  @Test
  void failedAcceptsAreLoggedOncePerIntervalAndTheListenerAcceptsAgainAfterItsPause() throws Exception {
    try (ListenerRegistry registry = new ListenerRegistry(transport); CapturedLogs logs = new CapturedLogs()) {
      RunningListener l = registry.start(
          ListenerSpec.of("imap", Protocol.IMAP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE),
          ListenerBinding.of(GREET, null)).block();
      Channel server = l.serverChannel();
      // what Netty fires into the server channel when accept(2) fails with EMFILE
      IOException emfile = Errors.newIOException("io_uring accept", -24);
      server.eventLoop().submit(() -> {
        server.pipeline().fireExceptionCaught(emfile);
        server.pipeline().fireExceptionCaught(emfile);
      }).get();

      List<ILoggingEvent> warnings = logs.events(AcceptFailures.class.getName());
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(warnings.get(0).getFormattedMessage())
          .contains("listener imap: cannot accept connections")
          .contains(emfile.getMessage())
          .contains("LimitNOFILE");
      assertThat(server.config().isAutoRead()).as("accepting paused").isFalse();

      // the connection waits in the accept queue until the pause ends, then is served
      try (Socket s = new Socket()) {
        s.connect(l.address(), 5_000);
        s.setSoTimeout(10_000);
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
        assertThat(r.readLine()).isEqualTo("* OK ready");
      }
      assertThat(server.config().isAutoRead()).as("accepting again").isTrue();
    }
  }

  @Test
  void ioUringAcceptsOneConnectionPerRequestUnlessTheAdministratorSaysOtherwise() {
    // a multishot accept stays armed while accepting is paused, and spun on EMFILE (Transport)
    assertThat(System.getProperty(Transport.ACCEPT_MULTISHOT)).isEqualTo("false");
  }
}

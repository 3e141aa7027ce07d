package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.backend.BackendUnavailable;
import dev.mailgate.gateway.net.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The circuit breaker per backend (issue 3 item 7, issue 8 item 3): repeated connect failures open
 * it, an open circuit is skipped without a connection attempt (failing over to the next member at
 * once), and once the backend is back the half-open probes close it again.
 */
@ExtendWith(ReliabilityReport.class)
class CircuitBreakerTest {

  /** Long enough that a loaded machine cannot let it pass between two steps of the test. */
  private static final Duration OPEN_FOR = Duration.ofSeconds(5);
  private Transport transport;
  private BackendConnector connector;

  @BeforeEach
  void start() {
    transport = Transport.create("test-breaker", 1);
    connector = new BackendConnector(transport, new BackendConnector.Policy(0, Duration.ofMillis(10),
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(OPEN_FOR)
            .permittedNumberOfCallsInHalfOpenState(2)
            .build()));
  }

  @AfterEach
  void stop() {
    transport.close();
  }

  @Test
  @Case(on = "backend connector", input = "a backend refusing 5 connections in a row, then back up",
      expect = "circuit OPEN, later calls skip it without a connect and fail over; after the open "
          + "interval two good probes close it")
  void repeatedFailuresOpenTheCircuitAndTheBackendsReturnClosesIt(Observed seen) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Backend flaky = connector.backend(BackendSpec.of("flaky", "127.0.0.1", port, BackendTlsMode.NONE)
        .withConnectTimeout(Duration.ofSeconds(2)));
    try (ServerSocket healthyServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Acceptor healthyAcceptor = new Acceptor(healthyServer)) {
      Backend healthy = connector.backend(BackendSpec.of("healthy", "127.0.0.1", healthyServer.getLocalPort(),
          BackendTlsMode.NONE));

      for (int i = 0; i < 5; i++) {
        assertUnavailable(List.of(flaky));
      }
      seen.saw("after 5 refusals: " + flaky.circuitBreaker().getState());
      assertThat(flaky.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

      BackendUnavailable skipped = assertUnavailable(List.of(flaky));
      assertThat(skipped.attempts()).extracting(BackendUnavailable.Attempt::reason).containsExactly("circuit open");
      seen.saw("skipped while open");
      BackendConnection failedOver = connector.connect(List.of(flaky, healthy)).block(Duration.ofSeconds(10));
      assertThat(failedOver.backend().name()).isEqualTo("healthy");
      failedOver.close();
      seen.saw("failed over to " + failedOver.backend().name());

      try (ServerSocket back = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
          Acceptor acceptor = new Acceptor(back)) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .ignoreException(BackendUnavailable.class).untilAsserted(() -> {
          BackendConnection c = connector.connect(List.of(flaky)).block(Duration.ofSeconds(5));
          c.close();
          assertThat(flaky.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
        seen.saw("backend back: " + flaky.circuitBreaker().getState());
      }
    }
  }

  private BackendUnavailable assertUnavailable(List<Backend> candidates) {
    try {
      connector.connect(candidates).block(Duration.ofSeconds(10));
    } catch (BackendUnavailable e) {
      return e;
    }
    throw new AssertionError("expected BackendUnavailable");
  }

  /** Accepts and holds connections so that connects succeed. */
  private static final class Acceptor implements AutoCloseable {
    private final ServerSocket server;

    Acceptor(ServerSocket server) {
      this.server = server;
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            s.getOutputStream().write("* OK hello\r\n".getBytes());
          } catch (IOException e) {
            return;
          }
        }
      }, "acceptor");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}

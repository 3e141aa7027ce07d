package dev.mailgate.gateway.proxy.pop3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.local.pop3.LocalPop3Fixture;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.pop3.Pop3TestClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The POP3 proxy's login replay against backends that misbehave or answer in unusual ways, over
 * real sockets: a backend that never greets, one without CAPA, one that sends its responses one
 * byte per write, one that passes on a response code, one that hangs up mid-login.
 */
class Pop3BackendReplayTest {

  static final AtomicInteger NAMES = new AtomicInteger();
  static LocalPop3Fixture fx;
  static BackendConnector connector;

  @BeforeAll
  static void start() throws Exception {
    fx = new LocalPop3Fixture();
    connector = new BackendConnector(fx.transport, BackendConnector.Policy.defaults());
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  /** A proxy listener in front of {@code backend}, whose greeting must come within {@code greeting}. */
  static int proxy(CannedBackend backend, Duration greeting) throws IOException {
    BackendSpec spec = BackendSpec.of("canned-" + NAMES.incrementAndGet(), "127.0.0.1", backend.port(), BackendTlsMode.NONE);
    Backend b = connector.backend(new BackendSpec(spec.name(), spec.host(), spec.port(), spec.tlsMode(), spec.tls(),
        spec.connectTimeout(), greeting));
    return fx.registry.start(
            ListenerSpec.of("proxy-" + NAMES.incrementAndGet(), Protocol.POP3, new InetSocketAddress("127.0.0.1", 0),
                TlsMode.NONE),
            ListenerBinding.of(new Pop3ProxyServer(connector, BackendChooser.fixed(List.of(b)), fx.tls,
                Pop3ProxySettings.defaults("gw.example.org")), fx.tls))
        .block(Duration.ofSeconds(10))
        .port();
  }

  static String login(Pop3TestClient c) throws IOException {
    assertThat(c.line()).startsWith("+OK gw.example.org");
    assertThat(c.command("USER alice")).startsWith("+OK");
    return c.command("PASS secret");
  }

  @Test
  void aBackendThatNeverGreetsIsSysTempWithinItsGreetingTimeout() throws Exception {
    try (CannedBackend backend = new CannedBackend(null, false, line -> null);
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofMillis(300)))) {
      assertThat(login(c)).startsWith("-ERR [SYS/TEMP]");
      assertThat(c.command("USER alice")).as("the session stays in AUTHORIZATION").startsWith("+OK");
    }
  }

  @Test
  void aBackendWithoutCapaIsLoggedIntoWithUserAndPass() throws Exception {
    try (CannedBackend backend = new CannedBackend("+OK old server", false, line -> switch (line) {
          case "CAPA" -> "-ERR unknown command\r\n";
          case "USER alice" -> "+OK\r\n";
          case "PASS secret" -> "+OK maildrop ready\r\n";
          case "STAT" -> "+OK 0 0\r\n";
          default -> "-ERR what\r\n";
        });
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofSeconds(5)))) {
      assertThat(login(c)).isEqualTo("+OK maildrop ready");
      assertThat(c.command("STAT")).isEqualTo("+OK 0 0");
      assertThat(backend.received).containsExactly("CAPA", "USER alice", "PASS secret", "STAT");
    }
  }

  /** Any split of the backend's bytes gives the same dialogue: here every byte is its own write. */
  @Test
  void responsesDribbledOneBytePerWriteGiveTheSameLogin() throws Exception {
    try (CannedBackend backend = new CannedBackend("+OK dribbling", true, line -> switch (line) {
          case "CAPA" -> "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n";
          case "AUTH PLAIN AGFsaWNlAHNlY3JldA==" -> "+OK logged in\r\n";
          case "STAT" -> "+OK 2 20\r\n";
          default -> "-ERR what\r\n";
        });
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofSeconds(5)))) {
      assertThat(login(c)).isEqualTo("+OK logged in");
      assertThat(c.command("STAT")).isEqualTo("+OK 2 20");
    }
  }

  @Test
  void aBackendsInUseCodeReachesTheClient() throws Exception {
    try (CannedBackend backend = new CannedBackend("+OK ready", false, line -> switch (line) {
          case "CAPA" -> "+OK\r\nUSER\r\n.\r\n";
          case "USER alice" -> "+OK\r\n";
          case "PASS secret" -> "-ERR [IN-USE] maildrop locked\r\n";
          default -> "-ERR what\r\n";
        });
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofSeconds(5)))) {
      assertThat(login(c)).startsWith("-ERR [IN-USE]");
    }
  }

  @Test
  void aBackendThatHangsUpDuringTheLoginIsSysTemp() throws Exception {
    try (CannedBackend backend = new CannedBackend("+OK ready", false, line -> switch (line) {
          case "CAPA" -> "+OK\r\nUSER\r\n.\r\n";
          case "USER alice" -> CannedBackend.HANG_UP;
          default -> "-ERR what\r\n";
        });
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofSeconds(5)))) {
      assertThat(login(c)).startsWith("-ERR [SYS/TEMP]");
    }
  }

  @Test
  void aResponseThatIsNeitherOkNorErrIsSysTemp() throws Exception {
    try (CannedBackend backend = new CannedBackend("+OK ready", false, line -> switch (line) {
          case "CAPA" -> "* CAPABILITY IMAP4rev1\r\n";
          default -> "-ERR what\r\n";
        });
        Pop3TestClient c = new Pop3TestClient(proxy(backend, Duration.ofSeconds(5)))) {
      assertThat(login(c)).startsWith("-ERR [SYS/TEMP]");
    }
  }

  /** One connection at a time; answers each line it reads with what {@code script} says. */
  static final class CannedBackend implements AutoCloseable {
    static final String HANG_UP = "\u0000hang up";

    final List<String> received = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    /**
     * @param greeting null: say nothing
     * @param dribble write every byte on its own, flushed
     * @param script a line received to the bytes to answer (null: nothing; {@link #HANG_UP})
     */
    CannedBackend(String greeting, boolean dribble, Function<String, String> script) throws IOException {
      server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> serve(greeting, dribble, script), "canned-pop3");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(String greeting, boolean dribble, Function<String, String> script) {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(10_000);
          OutputStream out = s.getOutputStream();
          if (greeting != null) {
            write(out, greeting + "\r\n", dribble);
          }
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            received.add(line);
            String answer = script.apply(line);
            if (HANG_UP.equals(answer)) {
              break;
            }
            if (answer != null) {
              write(out, answer, dribble);
            }
          }
        } catch (IOException e) {
          // next connection, or closed
        }
      }
    }

    private static void write(OutputStream out, String text, boolean dribble) throws IOException {
      byte[] bytes = text.getBytes(ISO_8859_1);
      if (!dribble) {
        out.write(bytes);
        out.flush();
        return;
      }
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}

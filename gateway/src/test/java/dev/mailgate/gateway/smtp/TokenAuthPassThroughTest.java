package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.backend.Backend;
import dev.mailgate.gateway.backend.BackendConnector;
import dev.mailgate.gateway.backend.BackendSpec;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerRegistry;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import dev.mailgate.gateway.net.Transport;
import dev.mailgate.gateway.proxy.smtp.BackendAccounts;
import dev.mailgate.gateway.proxy.smtp.BackendSmtpClient;
import dev.mailgate.gateway.proxy.smtp.BackendSmtpLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Bearer-token logins on a proxy-tier SMTP listener (issue 3 item 3): EHLO offers XOAUTH2 and
 * OAUTHBEARER besides PLAIN and LOGIN, and a client's token is checked by replaying it to the
 * backend, whose 235 or 535 decides. The backend is a scripted SMTP server that accepts one token.
 */
class TokenAuthPassThroughTest {

  static final String GOOD_TOKEN = "ya29.good-token";
  static Transport transport;
  static ListenerRegistry registry;
  static TokenBackend backend;
  static RunningListener listener;

  @BeforeAll
  static void start() throws Exception {
    transport = Transport.create("test-token-auth", 1);
    registry = new ListenerRegistry(transport);
    backend = new TokenBackend();
    BackendConnector connector = new BackendConnector(transport, BackendConnector.Policy.defaults());
    Backend b = connector.backend(BackendSpec.of("token-backend", "127.0.0.1", backend.port(), BackendTlsMode.NONE));
    BackendSmtpClient client = new BackendSmtpClient(connector, "gw.example.test", BackendSmtpLimits.DEFAULTS);
    SmtpAccounts accounts = new BackendAccounts(client, user -> Mono.just(List.of(b)));
    SmtpServerHandler handler = new SmtpServerHandler(
        SmtpServerSettings.defaults("gw.example.test").withPlaintextAuthNetworks(
            List.of(dev.mailgate.gateway.net.CidrRange.parse("127.0.0.0/8"))),
        null, accounts, LocalDomains.of(d -> false), new NoSink(), null);
    listener = registry.start(ListenerSpec.of("token-submission", Protocol.SUBMISSION,
        new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE), ListenerBinding.of(handler, null)).block();
  }

  @AfterAll
  static void stop() throws Exception {
    registry.close();
    backend.close();
    transport.close();
  }

  @Test
  void ehloOffersTokenMechanismsAndAGoodXoauth2TokenIsAcceptedByTheBackend() throws Exception {
    try (SmtpWire w = new SmtpWire(listener.port())) {
      w.expect("220 .*");
      w.send("EHLO client.example\r\n");
      w.expect("250-.*AUTH PLAIN LOGIN XOAUTH2 OAUTHBEARER.*");
      w.send("AUTH XOAUTH2 " + xoauth2("alice@example.test", GOOD_TOKEN) + "\r\n");
      w.expect("235 .*");
    }
    assertThat(backend.auths).contains("AUTH XOAUTH2 " + xoauth2("alice@example.test", GOOD_TOKEN));
  }

  @Test
  void aTokenTheBackendRefusesIsBadCredentialsAndTheSessionGoesOn() throws Exception {
    try (SmtpWire w = new SmtpWire(listener.port())) {
      w.expect("220 .*");
      w.send("EHLO client.example\r\n");
      w.expect("250-.*");
      w.send("AUTH OAUTHBEARER " + oauthbearer("alice@example.test", "stolen-token") + "\r\n");
      w.expect("535 5\\.7\\.8 .*");
      w.send("AUTH XOAUTH2 " + xoauth2("alice@example.test", GOOD_TOKEN) + "\r\n");
      w.expect("235 .*");
    }
  }

  static String xoauth2(String user, String token) {
    return Base64.getEncoder().encodeToString(("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(UTF_8));
  }

  static String oauthbearer(String user, String token) {
    return Base64.getEncoder().encodeToString(
        ("n,a=" + user + ",\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(UTF_8));
  }

  /** Never reached: these tests only log in. */
  static final class NoSink implements TransactionSink {
    @Override
    public Transaction begin(Envelope envelope) {
      throw new AssertionError("no transaction expected");
    }
  }

  /** A scripted backend: EHLO offers XOAUTH2 and OAUTHBEARER; one token is good. */
  static final class TokenBackend implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    final List<String> auths = new CopyOnWriteArrayList<>();

    TokenBackend() throws IOException {
      Thread t = new Thread(this::serve, "token-backend");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          session(s);
        } catch (IOException e) {
          // the next connection, or closed
        }
      }
    }

    private void session(Socket s) throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
      OutputStream out = s.getOutputStream();
      out.write("220 backend.example ESMTP\r\n".getBytes(UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        String reply;
        if (line.startsWith("EHLO")) {
          reply = "250-backend.example\r\n250-PIPELINING\r\n250 AUTH XOAUTH2 OAUTHBEARER\r\n";
        } else if (line.startsWith("AUTH ")) {
          auths.add(line);
          String decoded = new String(Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1)), UTF_8);
          reply = decoded.contains("auth=Bearer " + GOOD_TOKEN + "\u0001")
              ? "235 2.7.0 Authentication successful\r\n" : "535 5.7.8 Error: authentication failed\r\n";
        } else if (line.startsWith("QUIT")) {
          out.write("221 2.0.0 Bye\r\n".getBytes(UTF_8));
          return;
        } else {
          reply = "502 5.5.2 Error: command not recognized\r\n";
        }
        out.write(reply.getBytes(UTF_8));
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}

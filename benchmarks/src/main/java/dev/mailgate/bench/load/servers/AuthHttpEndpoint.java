package dev.mailgate.bench.load.servers;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The auth_http service nginx's mail proxy asks where to send each login (nginx's protocol:
 * request headers Auth-User, Auth-Pass, Auth-Protocol; answer in Auth-Status, Auth-Server,
 * Auth-Port). It checks the password against the bench users, as a real deployment's endpoint
 * would, and points IMAP and POP3 at Dovecot's plaintext ports and SMTP at the sink.
 */
public final class AuthHttpEndpoint implements AutoCloseable {

  private final DisposableServer server;

  private AuthHttpEndpoint(DisposableServer server) {
    this.server = server;
  }

  /** @param backendPorts port per Auth-Protocol value: "imap", "pop3", "smtp" */
  public static AuthHttpEndpoint start(Map<String, String> passwords, Map<String, Integer> backendPorts) {
    DisposableServer server = HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .route(routes -> routes.get("/auth", (req, res) -> {
          HttpHeaders h = req.requestHeaders();
          String protocol = h.get("Auth-Protocol", "");
          String user = h.get("Auth-User", "");
          boolean smtpWithoutAuth = protocol.equals("smtp") && "none".equals(h.get("Auth-Method"));
          Integer port = backendPorts.get(protocol);
          if (port == null || !(smtpWithoutAuth || h.get("Auth-Pass", "").equals(passwords.get(user)))) {
            return res.header("Auth-Status", "Invalid login or password").header("Auth-Wait", "1").send();
          }
          return res.header("Auth-Status", "OK").header("Auth-Server", "127.0.0.1")
              .header("Auth-Port", Integer.toString(port)).send();
        }))
        .bindNow();
    return new AuthHttpEndpoint(server);
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}

package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An nginx mail deployment's {@code auth_http} service routing mailgate's sessions: the service
 * checks the password and answers Auth-Server and Auth-Port per protocol; mailgate connects there
 * with the template backend's TLS settings and replays the login to the real Dovecot. A refusal
 * (Auth-Status other than OK) is a failed login that never reaches Dovecot.
 */
@ExtendWith(MailServersExtension.class)
class AuthHttpRoutingTest {

  @TempDir static Path dir;
  static DisposableServer authHttp;
  static MailgateApp app;
  static int offset;
  static final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(MailServers servers) throws Exception {
    authHttp = HttpServer.create().host("127.0.0.1").port(0)
        .handle((req, res) -> {
          String user = req.requestHeaders().get("Auth-User");
          String pass = req.requestHeaders().get("Auth-Pass");
          String protocol = req.requestHeaders().get("Auth-Protocol");
          requests.add(user + "|" + protocol + "|" + req.requestHeaders().get("Client-IP"));
          boolean ok = MailServers.USERS.stream().anyMatch(u -> u.address().equals(user) && u.password().equals(pass));
          if (!ok) {
            return res.header("Auth-Status", "Invalid login or password").header("Auth-Wait", "0").send();
          }
          int port = "pop3".equals(protocol) ? servers.pop3Port() : servers.imapPort();
          return res.header("Auth-Status", "OK").header("Auth-Server", "127.0.0.1")
              .header("Auth-Port", Integer.toString(port)).sendString(Mono.empty());
        })
        .bindNow();
    offset = FreePorts.offsetFor(3143, 3110, 8025);
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, """
        server: { hostname: gw.example.test, data_dir: "%s" }
        listeners:
          - { name: imap, protocol: imap, bind: "127.0.0.1:3143", tls: none }
          - { name: pop3, protocol: pop3, bind: "127.0.0.1:3110", tls: none }
        backends:
          - name: dovecot-settings
            host: 127.0.0.1
            port: %d
            tls: starttls
            ca_file: "%s"
        lookups:
          nginx-auth:
            type: http
            url: "http://127.0.0.1:%d/mail/auth"
            template_backend: dovecot-settings
        routes:
          - { name: as-nginx-says, lookup: nginx-auth }
        authentication: { mode: pass_through }
        """.formatted(dir.resolve("data"), servers.imapPort(), servers.caFile(), authHttp.port()));
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), offset, Duration.ofSeconds(5), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (authHttp != null) {
      authHttp.disposeNow();
    }
  }

  @Test
  void imapLoginGoesToTheServerTheAuthServiceNamesWithTheTemplatesTls() throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", 3143 + offset, MailServers.ALICE.address(), MailServers.ALICE.password());
    try {
      assertThat(store.getDefaultFolder().list("*")).extracting(Folder::getName).contains("INBOX");
    } finally {
      store.close();
    }
    assertThat(requests).contains(MailServers.ALICE.address() + "|imap|127.0.0.1");
  }

  @Test
  void pop3LoginGoesToThePop3PortTheAuthServiceNames() throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("pop3");
    store.connect("127.0.0.1", 3110 + offset, MailServers.BOB.address(), MailServers.BOB.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(0);
      inbox.close(false);
    } finally {
      store.close();
    }
    assertThat(requests).contains(MailServers.BOB.address() + "|pop3|127.0.0.1");
  }

  @Test
  void theAuthServicesRefusalIsAFailedLogin() {
    Properties p = new Properties();
    Store store;
    try {
      store = Session.getInstance(p).getStore("imap");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> store.connect("127.0.0.1", 3143 + offset, MailServers.ALICE.address(), "guess"))
        .isInstanceOf(AuthenticationFailedException.class);
  }
}

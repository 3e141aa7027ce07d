package dev.mailgate.gateway.reliability;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.testing.TempDirs;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.UidSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One gateway for the whole reliability suite: {@link MailgateApp} started from a configuration
 * file with the local tier on every listener type (plain + STARTTLS and implicit TLS), listeners
 * with a 2-second pre-login timeout for the slow-client cases, and a PROXY-enabled listener that
 * trusts only 127.0.0.2 (the tests connect from 127.0.0.1 as an untrusted peer). Ports are chosen by the system (port 0). Started once per test run (JUnit
 * root store) and closed at its end, so the cases also prove the server survives every other case.
 *
 * <p>Test classes take it as a parameter: {@code @ExtendWith(RunningGateway.Extension.class)}.
 */
final class RunningGateway implements AutoCloseable {
  /** A local user; its password is searched for in every log (see {@code LogsHoldNoSecretsTest}). */
  static final String USER = "alice@example.test";
  static final String PASSWORD = "Rel1ability-Secret-pw";
  /** A second user whose password only ever travels in failed or malformed AUTH attempts. */
  static final String WRONG_PASSWORD = "Wr0ng-Guess-Secret-pw";
  static final Duration SHORT_PRE_LOGIN = Duration.ofSeconds(2);

  private final Path dir;
  private final SuiteLog log = new SuiteLog();
  private final MailgateApp app;

  private RunningGateway(Path dir) throws IOException {
    this.dir = dir;
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, configuration(dir.resolve("data")));
    try {
      app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
          ProtocolHandlers.standard());
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
    app.context().users().add(USER, PASSWORD.toCharArray()).block(Duration.ofSeconds(60));
    // the store account is provisioned by a background poll (LocalAccounts) or on first use; wait for it
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> app.context().store().quota(USER).block(Duration.ofSeconds(5)) != null);
  }

  private static String configuration(Path data) {
    String slow = "limits: { pre_login_timeout: " + SHORT_PRE_LOGIN.toSeconds() + "s }";
    return "server: { hostname: localhost, data_dir: \"" + data + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: smtp,       protocol: smtp,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: submission, protocol: submission, bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: smtps,      protocol: submission, bind: \"127.0.0.1:0\", tls: implicit }\n"
        + "  - { name: pop3,       protocol: pop3,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: pop3s,      protocol: pop3,       bind: \"127.0.0.1:0\", tls: implicit }\n"
        + "  - { name: imap,       protocol: imap,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "  - { name: imaps,      protocol: imap,       bind: \"127.0.0.1:0\", tls: implicit }\n"
        + "  - { name: slow-smtp,  protocol: smtp,       bind: \"127.0.0.1:0\", tls: starttls, " + slow + " }\n"
        + "  - { name: slow-pop3,  protocol: pop3,       bind: \"127.0.0.1:0\", tls: starttls, " + slow + " }\n"
        + "  - { name: slow-imap,  protocol: imap,       bind: \"127.0.0.1:0\", tls: starttls, " + slow + " }\n"
        + "  - { name: lb-smtp,    protocol: smtp,       bind: \"127.0.0.1:0\", tls: starttls,"
        + " proxy_protocol: { enabled: true, trusted_networks: [127.0.0.2/32] } }\n"
        // the proxy tier's own IMAP pre-login, for PreLoginSessionFuzzTest: its backend never answers
        + "  - { name: imap-proxy, protocol: imap,       bind: \"127.0.0.1:0\", tls: starttls }\n"
        + "backends:\n"
        + "  - { name: nowhere, host: 127.0.0.1, ports: { imap: 9 }, tls: none }\n"
        + "routes:\n"
        + "  - { name: proxied, match: { listeners: [imap-proxy] }, target: backend:nowhere }\n"
        + "  - { name: everyone-local, target: local }\n"
        + "authentication: { mode: verify }\n"
        + "local: { accepted_domains: [example.test] }\n";
  }

  int port(String listener) {
    return app.listeners().stream().filter(l -> l.spec().name().equals(listener)).findFirst()
        .map(RunningListener::port)
        .orElseThrow(() -> new IllegalArgumentException("no listener " + listener));
  }

  MailgateApp app() {
    return app;
  }

  Path dir() {
    return dir;
  }

  /** The raw bytes of every message in the user's INBOX, in UID order. */
  List<byte[]> inbox(String user) {
    MailStore store = app.context().store();
    MailboxInfo inbox = store.mailbox(user, MailboxName.INBOX).block(Duration.ofSeconds(10));
    List<byte[]> out = new ArrayList<>();
    List<MessageMeta> metas = store.messages(inbox.id(), UidSet.all()).collectList().block(Duration.ofSeconds(10));
    for (MessageMeta m : metas) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (ByteBuffer chunk : store.content(inbox.id(), m.uid(), ByteRange.ALL).collectList()
          .block(Duration.ofSeconds(10))) {
        byte[] a = new byte[chunk.remaining()];
        chunk.get(a);
        b.writeBytes(a);
      }
      out.add(b.toByteArray());
    }
    return out;
  }

  @Override
  public void close() {
    try {
      app.close();
    } finally {
      log.close();
      TempDirs.deleteTree(dir);
    }
  }

  /** Starts the shared gateway on first use and resolves it as a test or lifecycle parameter. */
  static final class Extension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
      return p.getParameter().getType() == RunningGateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
      return c.getRoot().getStore(ExtensionContext.Namespace.create(RunningGateway.class))
          .getOrComputeIfAbsent("gateway", k -> new Resource(start()), Resource.class).gateway;
    }

    private static RunningGateway start() {
      try {
        return new RunningGateway(Files.createTempDirectory("mailgate-reliability"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Closed by JUnit when the root context ends. */
  private record Resource(RunningGateway gateway) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      gateway.close();
    }
  }
}

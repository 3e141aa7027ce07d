package dev.mailgate.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.AppOptions;
import dev.mailgate.gateway.app.MailgateApp;
import dev.mailgate.gateway.app.ProtocolHandlers;
import dev.mailgate.gateway.cli.MailgateCommand;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.UidSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * RFC 5321 4.5.1 on the local tier, end to end: a gateway started from a configuration file, its
 * aliases changed with {@code mailgate user alias | unalias} as an administrator would, and real
 * SMTP sessions on its MX listener. {@code <Postmaster>}, {@code <postmaster@example.test>} and
 * {@code <POSTMASTER@example.test>} are accepted and land in the INBOX of the user each step of
 * the order names (docs/configuration.md, {@code local}).
 *
 * <p>Users, created in this order: {@code early@other.test} (the earliest of all), then {@code
 * first@example.test} (the earliest of example.test), {@code bob@}, {@code carol@}, {@code
 * dave@example.test}. The server's host name is {@code mx.example.test} unless a test says otherwise.
 */
class LocalDeliveryPostmasterTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final List<String> USERS = List.of("early@other.test", "first@example.test",
      "bob@example.test", "carol@example.test", "dave@example.test");
  private static final List<String> POSTMASTERS = List.of("Postmaster", "postmaster@example.test",
      "POSTMASTER@example.test");

  @TempDir Path dir;
  private Path config;
  private MailgateApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private void start(String hostname, String local) throws IOException {
    config = dir.resolve("mailgate.yaml");
    Files.writeString(config, configuration(hostname, local));
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), 0, Duration.ofSeconds(2), false),
        ProtocolHandlers.standard());
    for (String u : USERS) {
      app.context().users().add(u, "pw".toCharArray()).block(T);
    }
    // accounts are provisioned by a background poll (LocalAccounts) or on first use; wait for them
    Awaitility.await().atMost(T).ignoreExceptions().until(() -> USERS.stream()
        .allMatch(u -> app.context().store().quota(u).block(T) != null));
  }

  private String configuration(String hostname, String local) {
    return "server: { hostname: " + hostname + ", data_dir: \"" + dir.resolve("data") + "\" }\n"
        + "admin: { enabled: false }\n"
        + "listeners:\n"
        + "  - { name: mx, protocol: smtp, bind: \"127.0.0.1:0\", tls: none }\n"
        + "local: { accepted_domains: [accepted.test]" + local + " }\n";
  }

  private int port() {
    return app.listeners().stream().filter(l -> l.spec().name().equals("mx")).findFirst()
        .orElseThrow().port();
  }

  /** {@code mailgate user ARGS --config FILE} in-process, as an administrator runs it. */
  private String user(String... args) {
    CommandLine cl = MailgateCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 3];
    all[0] = "user";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--config";
    all[args.length + 2] = config.toString();
    int code = cl.execute(all);
    assertThat(code).as("mailgate %s: %s", String.join(" ", all), err).isZero();
    return out.toString();
  }

  /** Sends one message to {@code rcpt} and checks the newest message of {@code user}'s INBOX is it. */
  private void assertLandsWith(String rcpt, String user) throws IOException {
    String marker = UUID.randomUUID().toString();
    try (SmtpWire w = new SmtpWire(port())) {
      w.expect("220 .*");
      w.send("EHLO client.example\r\n").expect("250.*");
      w.send("MAIL FROM:<someone@remote.example>\r\n").expect("250 .*");
      w.send("RCPT TO:<" + rcpt + ">\r\n").expect("250 .*");
      w.send("DATA\r\n").expect("354 .*");
      w.send("Subject: " + marker + "\r\n\r\nfor the postmaster\r\n.\r\n").expect("250 .*");
    }
    assertThat(lastMessage(user)).as("<%s> lands in %s's INBOX", rcpt, user).contains(marker);
  }

  private void assertLandsWithForEveryForm(String user) throws IOException {
    for (String rcpt : POSTMASTERS) {
      assertLandsWith(rcpt, user);
    }
  }

  /** The reply to {@code RCPT TO:<rcpt>} from an unauthenticated client. */
  private String rcptReply(String rcpt) throws IOException {
    try (SmtpWire w = new SmtpWire(port())) {
      w.expect("220 .*");
      w.send("EHLO client.example\r\n").expect("250.*");
      w.send("MAIL FROM:<someone@remote.example>\r\n").expect("250 .*");
      return w.send("RCPT TO:<" + rcpt + ">\r\n").reply();
    }
  }

  private String lastMessage(String user) {
    MailStore store = app.context().store();
    MailboxInfo inbox = store.mailbox(user, MailboxName.INBOX).block(T);
    List<MessageMeta> all = store.messages(inbox.id(), UidSet.all()).collectList().block(T);
    if (all.isEmpty()) {
      return "";
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (ByteBuffer chunk : store.content(inbox.id(), all.get(all.size() - 1).uid(), ByteRange.ALL)
        .collectList().block(T)) {
      byte[] a = new byte[chunk.remaining()];
      chunk.get(a);
      b.writeBytes(a);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void freshInstallGivesPostmasterMailToTheDomainsEarliestUserThenCliAliasesTakeOverInOrder()
      throws Exception {
    start("mx.example.test", "");
    // step 4: nobody named postmaster, no local.postmaster; <Postmaster>: mx.example.test has no
    // users, its parent example.test does
    assertLandsWithForEveryForm("first@example.test");

    // step 2: a bare "postmaster" alias beats the earliest user
    assertThat(user("alias", "postmaster", "carol@example.test")).contains("alias postmaster -> carol@example.test");
    assertLandsWithForEveryForm("carol@example.test");

    // step 1: postmaster@<domain> beats the bare alias (for <Postmaster> the domain is the host name)
    user("alias", "postmaster@example.test", "bob@example.test");
    assertLandsWith("postmaster@example.test", "bob@example.test");
    assertLandsWith("POSTMASTER@example.test", "bob@example.test");
    assertLandsWith("Postmaster", "carol@example.test");
    user("alias", "postmaster@mx.example.test", "bob@example.test");
    assertLandsWith("Postmaster", "bob@example.test");

    // unalias undoes each step
    assertThat(user("unalias", "postmaster@example.test")).contains("removed alias postmaster@example.test");
    user("unalias", "postmaster@mx.example.test");
    assertLandsWithForEveryForm("carol@example.test");
    user("unalias", "postmaster");
    assertLandsWithForEveryForm("first@example.test");
  }

  @Test
  void localPostmasterFromTheConfigurationComesAfterPostmasterAliasesAndAppliesOnReload()
      throws Exception {
    start("mx.example.test", ", postmaster: dave@example.test");
    // step 3
    assertLandsWithForEveryForm("dave@example.test");
    // step 2 wins over it
    user("alias", "postmaster", "carol@example.test");
    assertLandsWithForEveryForm("carol@example.test");
    user("unalias", "postmaster");
    // a local.postmaster that names nobody falls through to step 4; a reload applies at once
    Files.writeString(config, configuration("mx.example.test", ", postmaster: nobody@example.test"));
    assertThat(app.reload().applied()).isTrue();
    assertLandsWithForEveryForm("first@example.test");
  }

  @Test
  void withoutUsersInItsDomainPostmasterMailGoesToTheEarliestUserOfAll() throws Exception {
    start("mail.nowhere.test", "");
    // step 5: neither mail.nowhere.test nor nowhere.test has a user
    assertLandsWith("Postmaster", "early@other.test");
    // a domain local by local.accepted_domains only
    assertLandsWith("postmaster@accepted.test", "early@other.test");
    // a domain with users still gets its own earliest one
    assertLandsWith("postmaster@example.test", "first@example.test");
  }

  @Test
  void postmasterOfADomainThatIsNotLocalIsARelayAndOtherUnknownUsersStayUnknown() throws Exception {
    start("mx.example.test", "");
    assertThat(rcptReply("postmaster@remote.example")).startsWith("554 5.7.1");
    assertThat(rcptReply("nobody@example.test")).startsWith("550 5.1.1");
    assertThat(rcptReply("postmasters@example.test")).startsWith("550 5.1.1");
  }

  @Test
  void anAliasAddedByTheCliDeliversToItsUserAndUnaliasStopsIt() throws Exception {
    start("mx.example.test", "");
    assertThat(rcptReply("sales@example.test")).startsWith("550 5.1.1");
    user("alias", "sales@example.test", "bob@example.test");
    assertLandsWith("sales@example.test", "bob@example.test");
    assertLandsWith("Sales@Example.TEST", "bob@example.test");
    // an alias in a new domain makes that domain local (the domain index is re-read every second)
    assertThat(user("alias", "bob@example.org", "bob@example.test")).contains("example.org is a local domain");
    Awaitility.await().atMost(T).until(() -> rcptReply("bob@example.org").startsWith("250"));
    assertLandsWith("bob@example.org", "bob@example.test");

    user("unalias", "sales@example.test");
    assertThat(rcptReply("sales@example.test")).startsWith("550 5.1.1");
  }
}

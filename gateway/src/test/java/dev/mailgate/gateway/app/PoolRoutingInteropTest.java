package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.interop.MailServers;
import dev.mailgate.gateway.interop.MailServersExtension;
import dev.mailgate.policy.route.RendezvousHash;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing between two real Dovecot instances (issue 4 item 4): a user map sends a user to the
 * instance it names; a pool places each user on its rendezvous-hash home; when the instance a
 * user's home is on stops, the user's next login fails over to the other member. Where a session
 * landed is proven by the message it appended being in that instance's store and not the other's.
 */
@ExtendWith(MailServersExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolRoutingInteropTest {

  @TempDir static Path dir;
  static MailServers a;
  static MailServers b;
  static MailgateApp app;
  static int offset;

  // Every login here must reach a member afresh: the failover test stops store-b's Dovecot with a
  // SIGTERM to its master, and the imap processes of sessions kept after an earlier test's LOGOUT live
  // on (and would go on serving, as Dovecot's own open sessions do).
  @BeforeAll
  static void start(MailServers shared) throws Exception {
    a = shared;
    b = MailServers.startDovecotOnly("pool-b");
    offset = FreePorts.offsetFor(3143, 3144, 8025);
    Path config = dir.resolve("mailgate.yaml");
    Files.writeString(config, """
        server: { hostname: gw.example.test, data_dir: "%s" }
        listeners:
          - { name: by-map, protocol: imap, bind: "127.0.0.1:3143", tls: none }
          - { name: by-hash, protocol: imap, bind: "127.0.0.1:3144", tls: none }
        backends:
          - { name: store-a, host: 127.0.0.1, ports: { imap: %d }, tls: starttls, ca_file: "%s", imap_session_reuse: 0s }
          - { name: store-b, host: 127.0.0.1, ports: { imap: %d }, tls: starttls, ca_file: "%s", imap_session_reuse: 0s }
        pools:
          - { name: both, members: [store-a, store-b] }
        lookups:
          homes:
            type: static
            entries: { "alice@example.test": "backend:store-b", "bob@example.test": "backend:store-a" }
        routes:
          - { name: user-map, match: { listeners: [by-map] }, lookup: homes }
          - { name: hashed, match: { listeners: [by-hash] }, target: "pool:both" }
        authentication: { mode: pass_through }
        """.formatted(dir.resolve("data"), a.imapPort(), a.caFile(), b.imapPort(), b.caFile()));
    app = MailgateApp.start(new AppOptions(Optional.of(config), Map.of(), offset, Duration.ofSeconds(5), false),
        ProtocolHandlers.standard());
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  @Order(1)
  void theUserMapSendsEachUserToTheInstanceItNames() throws Exception {
    String aliceSubject = appendThroughGateway(3143, MailServers.ALICE);
    assertThat(foundAt(b, MailServers.ALICE, aliceSubject)).isTrue();
    assertThat(foundAt(a, MailServers.ALICE, aliceSubject)).isFalse();

    String bobSubject = appendThroughGateway(3143, MailServers.BOB);
    assertThat(foundAt(a, MailServers.BOB, bobSubject)).isTrue();
    assertThat(foundAt(b, MailServers.BOB, bobSubject)).isFalse();
  }

  @Test
  @Order(2)
  void thePoolPutsEachUserOnItsRendezvousHome() throws Exception {
    assertThat(home(MailServers.ALICE)).as("alice's home").isSameAs(a);
    assertThat(home(MailServers.BOB)).as("bob's home").isSameAs(b);
    for (MailServers.User user : MailServers.USERS) {
      String subject = appendThroughGateway(3144, user);
      MailServers home = home(user);
      assertThat(foundAt(home, user, subject)).as(user.address() + " on its home").isTrue();
      assertThat(foundAt(home == a ? b : a, user, subject)).isFalse();
    }
  }

  @Test
  @Order(3)
  void whenAUsersHomeStopsItsNextLoginFailsOverToTheOtherMember() throws Exception {
    // member names chosen so that the two users live on different members (see the hash order)
    MailServers.User user = MailServers.BOB;
    assertThat(home(user)).isSameAs(b);
    b.close();
    String subject = appendThroughGateway(3144, user);
    assertThat(foundAt(a, user, subject)).isTrue();
  }

  private static MailServers home(MailServers.User user) {
    return RendezvousHash.order(List.of("store-a", "store-b"), user.address()).get(0).equals("store-a") ? a : b;
  }

  private static String appendThroughGateway(int basePort, MailServers.User user) throws Exception {
    String subject = "routed " + UUID.randomUUID();
    Session session = Session.getInstance(new Properties());
    Store store = session.getStore("imap");
    store.connect("127.0.0.1", basePort + offset, user.address(), user.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(user.address()));
      m.setSubject(subject);
      m.setText("where did I land?\r\n");
      m.setFlags(new Flags(Flags.Flag.SEEN), true);
      inbox.appendMessages(new Message[] {m});
    } finally {
      store.close();
    }
    return subject;
  }

  private static boolean foundAt(MailServers servers, MailServers.User user, String subject) throws Exception {
    Store store = Session.getInstance(new Properties()).getStore("imap");
    store.connect("127.0.0.1", servers.imapPort(), user.address(), user.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      boolean found = inbox.search(new SubjectTerm(subject)).length > 0;
      inbox.close(false);
      return found;
    } finally {
      store.close();
    }
  }
}

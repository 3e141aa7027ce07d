package dev.mailgate.mailbox.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** A store written by an older mailgate opens, upgrades in place and reads back what it held. */
class SqliteSchemaUpgradeTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aVersion3StoreGainsInternalDateZonesAndItsMessagesReadAsUtc() throws Exception {
    OffsetDateTime given = OffsetDateTime.parse("2007-03-25T01:00:00+02:00");
    long uid;
    MailboxId inbox;
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      store.provision("alice@example.org", Quota.unlimited()).block(T);
      inbox = store.mailbox("alice@example.org", MailboxName.of("INBOX")).block(T).id();
      byte[] b = "Subject: old\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
      uid = store.append(inbox, new AppendRequest(Flags.NONE, given, b.length), Flux.just(ByteBuffer.wrap(b)))
          .block(T).uid();
    }
    // back to version 3's layout: the messages table without internal_zone
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE messages DROP COLUMN internal_zone");
      st.execute("PRAGMA user_version = 3");
    }
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      OffsetDateTime read = store.messages(inbox, UidSet.of(uid)).blockFirst(T).internalDate();
      assertThat(read).isEqualTo(given.toInstant().atOffset(ZoneOffset.UTC));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
    }
  }
  @Test
  void aStoreALaterMailgateOpenedKeepsItsVersion() throws Exception {
    SqliteMailStore.open(dir, StoreLimits.defaults()).close();
    int later = Schema.VERSION + 1;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + later);
    }
    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      store.provision("bob@example.org", Quota.unlimited()).block(T);
      assertThat(store.mailbox("bob@example.org", MailboxName.of("INBOX")).block(T)).isNotNull();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(later);
    }
  }
}

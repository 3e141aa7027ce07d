package dev.mailgate.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recorded schema version only goes up: during a rolling upgrade, a node of this version that
 * starts on a database a later node already upgraded leaves it as it is.
 */
@ExtendWith(PostgresServerExtension.class)
class PostgresSchemaVersionTest {
  private static final Duration T = Duration.ofSeconds(20);

  @Test
  void aNodeOfThisVersionLeavesALaterSchemaVersionAndRunsOnIt(PostgresServer server) throws Exception {
    String url = server.newDatabase();
    PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults()).close();
    int later = PgSchema.VERSION + 1;
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("UPDATE schema_version SET version = " + later);
    }
    PostgresMailStore store = PostgresMailStore.open(url, "postgres", "", StoreLimits.defaults());
    try {
      store.provision("carol@example.org", Quota.unlimited()).block(T);
      assertThat(store.mailbox("carol@example.org", MailboxName.of("INBOX")).block(T)).isNotNull();
    } finally {
      store.close();
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(later);
      assertThat(rs.next()).isFalse();
    }
  }
}

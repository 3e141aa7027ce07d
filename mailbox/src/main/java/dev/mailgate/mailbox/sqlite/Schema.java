package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.jdbc.MailboxKeywords;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite schema of the embedded store (version {@link #VERSION}, kept in {@code PRAGMA
 * user_version}). Message rows reference bodies by {@code body_id}: a file, or for small
 * messages a row of {@code inline_bodies} (ids starting with {@link #INLINE_PREFIX}); COPY shares
 * a body.
 */
final class Schema {
  static final int VERSION = 4;
  static final String INLINE_PREFIX = "i-";

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts(user TEXT PRIMARY KEY, storage_limit INTEGER NOT NULL,"
        + " message_limit INTEGER NOT NULL, storage_used INTEGER NOT NULL DEFAULT 0,"
        + " messages_used INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS mailboxes(id INTEGER PRIMARY KEY, user TEXT NOT NULL,"
        + " name TEXT NOT NULL, uidvalidity INTEGER NOT NULL, uidnext INTEGER NOT NULL,"
        + " highestmodseq INTEGER NOT NULL, special_use TEXT, noselect INTEGER NOT NULL DEFAULT 0,"
        + " UNIQUE(user, name))",
    "CREATE TABLE IF NOT EXISTS subscriptions(user TEXT NOT NULL, name TEXT NOT NULL,"
        + " PRIMARY KEY(user, name)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS messages(mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL,"
        + " modseq INTEGER NOT NULL, flags INTEGER NOT NULL, keywords TEXT NOT NULL,"
        + " size INTEGER NOT NULL, internal_date INTEGER NOT NULL, sent_date INTEGER,"
        + " internal_zone INTEGER NOT NULL DEFAULT 0, body_id TEXT NOT NULL, structure BLOB NOT NULL, PRIMARY KEY(mailbox_id, uid))"
        + " WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS messages_modseq ON messages(mailbox_id, modseq)",
    "CREATE INDEX IF NOT EXISTS messages_body ON messages(body_id)",
    "CREATE TABLE IF NOT EXISTS inline_bodies(body_id TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vanished(mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL,"
        + " modseq INTEGER NOT NULL, PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS vanished_modseq ON vanished(mailbox_id, modseq)",
  };

  /** Version 3: the keywords each mailbox holds, for its keyword limit ({@link MailboxKeywords}). */
  private static final String MAILBOX_KEYWORDS = "CREATE TABLE mailbox_keywords("
      + "mailbox_id INTEGER NOT NULL, keyword TEXT NOT NULL, PRIMARY KEY(mailbox_id, keyword))"
      + " WITHOUT ROWID";

  private Schema() {}

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    try (Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equalsIgnoreCase(rs.getString("name"))) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean hasTable(Connection c, String table) throws SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  private static int userVersion(Statement st) throws SQLException {
    try (java.sql.ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  static void apply(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String ddl : DDL) {
        st.execute(ddl);
      }
      if (!hasColumn(c, "mailboxes", "first_recent_uid")) {
        // Version 2: the \Recent claim mark. Existing messages count as recent once more.
        st.execute("ALTER TABLE mailboxes ADD COLUMN first_recent_uid INTEGER NOT NULL DEFAULT 1");
      }
      if (!hasTable(c, "mailbox_keywords")) {
        // Version 3: messages stored before it count against the limit from now on.
        st.execute(MAILBOX_KEYWORDS);
        MailboxKeywords.rebuildAll(c);
      }
      if (!hasColumn(c, "messages", "internal_zone")) {
        // Version 4: INTERNALDATE's zone (InternalDates). Older messages keep +0000, as shown so far.
        st.execute("ALTER TABLE messages ADD COLUMN internal_zone INTEGER NOT NULL DEFAULT 0");
      }
      // never lowered: a store a later mailgate has opened keeps its version (every version's
      // DDL only adds, so this one runs on it as it is)
      if (userVersion(st) < VERSION) {
        st.execute("PRAGMA user_version = " + VERSION);
      }
    }
  }
}

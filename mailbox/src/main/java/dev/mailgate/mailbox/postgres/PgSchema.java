package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.jdbc.MailboxKeywords;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL schema (version {@link #VERSION}). Several nodes may open the store at once, so
 * the DDL runs under a transaction-scoped advisory lock: {@code CREATE ... IF NOT EXISTS} alone
 * races on the catalog.
 *
 * <p>Bodies live in {@code bodies} (one row per stored body, shared by copies) and {@code
 * body_chunks} (the bytes in {@link PgBodies#CHUNK}-byte rows): a range read fetches only the
 * chunks it covers and neither an append nor a read needs a whole large message in the heap.
 * {@code messages.body_id} references {@code bodies}, so a body cannot be removed while another
 * node's uncommitted copy still points at it (the remover's transaction fails and is retried).
 */
final class PgSchema {
  static final int VERSION = 4;
  /** Advisory lock key for schema changes ("mailgate" in ASCII, as a number). */
  private static final long SCHEMA_LOCK = 0x6d61696c67617465L;

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)",
    "CREATE TABLE IF NOT EXISTS counters(name text PRIMARY KEY, value bigint NOT NULL)",
    "INSERT INTO counters VALUES ('uidvalidity', 0) ON CONFLICT (name) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS accounts(username text PRIMARY KEY,"
        + " storage_limit bigint NOT NULL, message_limit bigint NOT NULL,"
        + " storage_used bigint NOT NULL DEFAULT 0, messages_used bigint NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS mailboxes(id bigserial PRIMARY KEY, username text NOT NULL,"
        + " name text NOT NULL, uidvalidity bigint NOT NULL, uidnext bigint NOT NULL,"
        + " highestmodseq bigint NOT NULL, special_use text,"
        + " noselect boolean NOT NULL DEFAULT false, UNIQUE(username, name))",
    // version 2: the \Recent claim mark (MailStore.claimRecent)
    "ALTER TABLE mailboxes ADD COLUMN IF NOT EXISTS first_recent_uid bigint NOT NULL DEFAULT 1",
    "CREATE TABLE IF NOT EXISTS subscriptions(username text NOT NULL, name text NOT NULL,"
        + " PRIMARY KEY(username, name))",
    "CREATE TABLE IF NOT EXISTS bodies(id bigserial PRIMARY KEY, size bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS body_chunks(body_id bigint NOT NULL"
        + " REFERENCES bodies(id) ON DELETE CASCADE, seq integer NOT NULL, data bytea NOT NULL,"
        + " PRIMARY KEY(body_id, seq))",
    "CREATE TABLE IF NOT EXISTS messages(mailbox_id bigint NOT NULL, uid bigint NOT NULL,"
        + " modseq bigint NOT NULL, flags integer NOT NULL, keywords text NOT NULL,"
        + " size bigint NOT NULL, internal_date bigint NOT NULL, sent_date bigint,"
        + " body_id bigint NOT NULL REFERENCES bodies(id), structure bytea NOT NULL,"
        + " PRIMARY KEY(mailbox_id, uid))",
    "CREATE INDEX IF NOT EXISTS messages_modseq ON messages(mailbox_id, modseq)",
    "CREATE INDEX IF NOT EXISTS messages_body ON messages(body_id)",
    "CREATE TABLE IF NOT EXISTS vanished(mailbox_id bigint NOT NULL, uid bigint NOT NULL,"
        + " modseq bigint NOT NULL, PRIMARY KEY(mailbox_id, uid))",
    "CREATE INDEX IF NOT EXISTS vanished_modseq ON vanished(mailbox_id, modseq)",
    // version 3: the keywords each mailbox holds, for its keyword limit (MailboxKeywords)
    "CREATE TABLE IF NOT EXISTS mailbox_keywords(mailbox_id bigint NOT NULL,"
        + " keyword text NOT NULL, PRIMARY KEY(mailbox_id, keyword))",
    // version 4: INTERNALDATE's zone (InternalDates); older messages keep +0000, as shown so far
    "ALTER TABLE messages ADD COLUMN IF NOT EXISTS internal_zone integer NOT NULL DEFAULT 0",
    // events too large for a NOTIFY payload; see PgEvents
    "CREATE TABLE IF NOT EXISTS event_overflow(id bigserial PRIMARY KEY, payload text NOT NULL,"
        + " created timestamptz NOT NULL DEFAULT now())",
  };

  private PgSchema() {}

  static void apply(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      if (current(st)) {
        c.commit();
        return; // every node opening an existing database: no DDL, no lock
      }
      st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
      if (current(st)) {
        c.commit(); // another node upgraded while this one waited for the lock
        return;
      }
      for (String ddl : DDL) {
        st.execute(ddl);
      }
      // version 3 over an older store: its messages count against the keyword limit from now on
      // (idempotent, and cheap on an empty store)
      MailboxKeywords.rebuildAll(c);
      st.execute("DELETE FROM schema_version");
      st.execute("INSERT INTO schema_version VALUES (" + VERSION + ")");
    }
    c.commit();
  }

  /**
   * True when the database is at this version or a later one. Every version's DDL only adds, so a
   * node of this version runs on a later schema as it is; lowering the recorded version there
   * would make the next newer node run its whole DDL again, and during a rolling upgrade the
   * version went up and down with each node that started.
   */
  private static boolean current(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT to_regclass('schema_version') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return false;
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1) >= VERSION;
    }
  }
}

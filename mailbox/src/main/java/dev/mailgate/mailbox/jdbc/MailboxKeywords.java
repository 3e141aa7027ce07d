package dev.mailgate.mailbox.jdbc;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The mailbox keyword limit, enforced by the store: a mailbox holds at most {@link #MAX} distinct
 * keywords (case-insensitive, RFC 3501 section 2.3.2), so FLAGS and PERMANENTFLAGS (sections 7.2.6
 * and 7.1) can always list every keyword a client is shown. Every write that brings keywords into
 * a mailbox (APPEND, COPY, MOVE, STORE) calls {@link #admit} inside its transaction, after it has
 * taken the mailbox's write lock (SQLite's single writer; PostgreSQL's mailbox row lock), so two
 * sessions or two nodes cannot both take the last place; a refusal is {@code TOO_MANY_KEYWORDS}
 * (IMAP {@code NO [LIMIT]}, RFC 5530 section 3) and rolls the whole write back.
 *
 * <p>Table {@code mailbox_keywords(mailbox_id, keyword)} holds the keywords, lower-cased, the
 * mailbox's messages have carried: a superset of those in use, because neither STORE -FLAGS nor
 * EXPUNGE pays to work out whether a keyword went out of use. Only a write that would pass the
 * limit recounts from the messages themselves ({@link #recount}, one scan of the mailbox), so
 * keywords no message carries any more free their place, as FLAGS lists only keywords in use.
 * SQL is the common subset of SQLite and PostgreSQL.
 */
public final class MailboxKeywords {
  /** As many keywords as one message may carry. */
  public static final int MAX = Flags.MAX_KEYWORDS;

  private MailboxKeywords() {}

  /**
   * Records {@code keywords} as held by the mailbox, or fails with {@code TOO_MANY_KEYWORDS} if
   * that would make more than {@link #MAX}. The caller holds the mailbox's write lock.
   */
  public static void admit(Connection c, long mailbox, Collection<String> keywords)
      throws SQLException {
    if (keywords.isEmpty()) {
      return; // most writes: system flags only
    }
    Set<String> wanted = lowered(keywords);
    Set<String> fresh = new HashSet<>(wanted);
    fresh.removeAll(held(c, mailbox, wanted));
    if (fresh.isEmpty()) {
      return;
    }
    long count = Jdbc.queryLong(c, "SELECT count(*) FROM mailbox_keywords WHERE mailbox_id = ?", mailbox);
    if (count + fresh.size() > MAX) {
      // The table may name keywords no message carries any more: ask the messages.
      Set<String> inUse = recount(c, mailbox);
      fresh = new HashSet<>(wanted);
      fresh.removeAll(inUse);
      if (inUse.size() + fresh.size() > MAX) {
        throw new MailStoreException(MailStoreException.Reason.TOO_MANY_KEYWORDS,
            "mailbox " + mailbox + " holds " + inUse.size() + " keywords, at most " + MAX);
      }
    }
    insert(c, mailbox, fresh);
  }

  /** Forgets a mailbox's keywords (the mailbox is deleted). */
  public static void forget(Connection c, long mailbox) throws SQLException {
    Jdbc.update(c, "DELETE FROM mailbox_keywords WHERE mailbox_id = ?", mailbox);
  }

  /** Gives {@code to} the keywords of {@code from} (RENAME INBOX moves every message). */
  public static void copy(Connection c, long from, long to) throws SQLException {
    Jdbc.update(c, "INSERT INTO mailbox_keywords(mailbox_id, keyword) SELECT ?, keyword"
        + " FROM mailbox_keywords WHERE mailbox_id = ? ON CONFLICT DO NOTHING", to, from);
  }

  /**
   * Rebuilds the table of every mailbox from its messages: run once, when the table is created
   * over an existing store, so messages stored before it count against the limit. A mailbox
   * already beyond the limit keeps what it has and takes no new keyword.
   */
  public static void rebuildAll(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT mailbox_id, keywords FROM messages WHERE keywords <> ''");
        PreparedStatement ins = c.prepareStatement(
            "INSERT INTO mailbox_keywords(mailbox_id, keyword) VALUES (?, ?) ON CONFLICT DO NOTHING");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        for (String k : rs.getString(2).split(" ")) {
          ins.setLong(1, rs.getLong(1));
          ins.setString(2, k.toLowerCase(Locale.ROOT));
          ins.addBatch();
        }
        ins.executeBatch(); // one row's worth at a time: the batch stays small
      }
    }
  }

  /**
   * The keywords the mailbox's messages carry now, and the table set to exactly those; or, as soon
   * as more than {@link #MAX} turn up (a mailbox filled before the limit was kept), that many
   * without touching the table, as nothing new can be admitted anyway: the set stays bounded.
   */
  static Set<String> recount(Connection c, long mailbox) throws SQLException {
    Set<String> inUse = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT keywords FROM messages"
        + " WHERE mailbox_id = ? AND keywords <> ''")) {
      ps.setLong(1, mailbox);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (String k : rs.getString(1).split(" ")) {
            inUse.add(k.toLowerCase(Locale.ROOT));
          }
          if (inUse.size() > MAX) {
            return inUse;
          }
        }
      }
    }
    forget(c, mailbox);
    insert(c, mailbox, inUse);
    return inUse;
  }

  /** Those of {@code wanted} the table holds for the mailbox. */
  private static Set<String> held(Connection c, long mailbox, Set<String> wanted) throws SQLException {
    Set<String> held = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT keyword FROM mailbox_keywords"
        + " WHERE mailbox_id = ? AND keyword IN (" + "?, ".repeat(wanted.size() - 1) + "?)")) {
      ps.setLong(1, mailbox);
      int i = 2;
      for (String k : wanted) {
        ps.setString(i++, k);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held.add(rs.getString(1));
        }
      }
    }
    return held;
  }

  private static void insert(Connection c, long mailbox, Set<String> keywords) throws SQLException {
    if (keywords.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO mailbox_keywords(mailbox_id, keyword) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (String k : keywords) {
        ps.setLong(1, mailbox);
        ps.setString(2, k);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static Set<String> lowered(Collection<String> keywords) {
    Set<String> out = new HashSet<>();
    for (String k : keywords) {
      out.add(k.toLowerCase(Locale.ROOT));
    }
    return out;
  }
}

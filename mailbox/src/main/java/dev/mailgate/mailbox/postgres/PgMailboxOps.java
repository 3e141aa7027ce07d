package dev.mailgate.mailbox.postgres;

import static dev.mailgate.mailbox.store.MailStoreException.Reason.ALREADY_EXISTS;
import static dev.mailgate.mailbox.store.MailStoreException.Reason.CANNOT;
import static dev.mailgate.mailbox.store.MailStoreException.Reason.NO_SUCH_MAILBOX;
import static dev.mailgate.mailbox.store.MailStoreException.Reason.NO_SUCH_USER;

import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.jdbc.MailboxKeywords;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.SpecialUse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mailbox hierarchy operations (RFC 3501 sections 6.3.3-6.3.7, RFC 6154), each inside the
 * caller's transaction. Concurrent hierarchy changes from two nodes meet on the UNIQUE(username,
 * name) constraint; the losing transaction is retried by {@link PgTx} and then sees the winner's
 * mailbox.
 */
final class PgMailboxOps {
  private static final String INFO =
      "SELECT m.id, m.username, m.name, m.uidvalidity, m.uidnext, m.highestmodseq, m.special_use,"
          + " m.noselect,"
          + " (SELECT count(*) FROM messages WHERE mailbox_id = m.id),"
          + " (SELECT count(*) FROM messages WHERE mailbox_id = m.id AND (flags & 1) = 0),"
          + " (SELECT count(*) FROM messages WHERE mailbox_id = m.id AND (flags & 8) <> 0),"
          + " (SELECT count(*) FROM messages WHERE mailbox_id = m.id AND uid >= m.first_recent_uid),"
          + " (SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox_id = m.id),"
          + " EXISTS(SELECT 1 FROM mailboxes c WHERE c.username = m.username"
          + "   AND substr(c.name, 1, length(m.name) + 1) = m.name || '/'),"
          + " EXISTS(SELECT 1 FROM subscriptions s WHERE s.username = m.username AND s.name = m.name)"
          + " FROM mailboxes m WHERE m.username = ?";

  private PgMailboxOps() {}

  static List<MailboxInfo> list(Connection c, String user) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INFO + " ORDER BY m.name COLLATE \"C\"")) {
      ps.setString(1, user);
      return infos(ps);
    }
  }

  static MailboxInfo info(Connection c, String user, MailboxName name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INFO + " AND m.name = ?")) {
      ps.setString(1, user);
      ps.setString(2, name.value());
      List<MailboxInfo> l = infos(ps);
      if (l.isEmpty()) {
        throw new MailStoreException(NO_SUCH_MAILBOX, "no mailbox " + name);
      }
      return l.get(0);
    }
  }

  private static List<MailboxInfo> infos(PreparedStatement ps) throws SQLException {
    List<MailboxInfo> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String su = rs.getString(7);
        out.add(new MailboxInfo(
            new MailboxId(rs.getLong(1)), rs.getString(2), MailboxName.of(rs.getString(3)),
            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(9), rs.getLong(10),
            rs.getLong(11), rs.getLong(12), rs.getLong(13),
            su == null ? Optional.empty() : Optional.of(SpecialUse.valueOf(su)),
            !rs.getBoolean(8), rs.getBoolean(14), rs.getBoolean(15)));
      }
    }
    return out;
  }

  static void requireUser(Connection c, String user) throws SQLException {
    if (Jdbc.queryLong(c, "SELECT count(*) FROM accounts WHERE username = ?", user) == 0) {
      throw new MailStoreException(NO_SUCH_USER, "no user " + user);
    }
  }

  static void provision(Connection c, String user, Quota limits) throws SQLException {
    Jdbc.update(c, "INSERT INTO accounts(username, storage_limit, message_limit) VALUES (?, ?, ?)"
        + " ON CONFLICT (username) DO UPDATE SET storage_limit = excluded.storage_limit,"
        + " message_limit = excluded.message_limit", user, limits.storageLimit(), limits.messageLimit());
    if (find(c, user, MailboxName.INBOX) == 0) {
      insert(c, user, MailboxName.INBOX, null, false);
      subscribe(c, user, MailboxName.INBOX);
    }
    for (SpecialUse su : SpecialUse.values()) {
      long has = Jdbc.queryLong(
          c, "SELECT count(*) FROM mailboxes WHERE username = ? AND special_use = ?", user, su.name());
      if (has > 0) {
        continue;
      }
      MailboxName name = MailboxName.of(su.defaultName());
      if (find(c, user, name) == 0) {
        insert(c, user, name, su, false);
      } else {
        Jdbc.update(c, "UPDATE mailboxes SET special_use = ? WHERE username = ? AND name = ?",
            su.name(), user, name.value());
      }
      subscribe(c, user, name);
    }
  }

  static void subscribe(Connection c, String user, MailboxName name) throws SQLException {
    Jdbc.update(c, "INSERT INTO subscriptions VALUES (?, ?) ON CONFLICT DO NOTHING", user, name.value());
  }

  /**
   * The mailbox's first unclaimed \Recent UID; with {@code lock}, the row stays locked until
   * commit, so two nodes' sessions cannot both claim the same messages.
   */
  static long firstRecentUid(Connection c, MailboxId mailbox, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT first_recent_uid FROM mailboxes WHERE id = ?"
        + (lock ? " FOR UPDATE" : ""))) {
      ps.setLong(1, mailbox.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(NO_SUCH_MAILBOX, "no mailbox " + mailbox.value());
        }
        return rs.getLong(1);
      }
    }
  }

  static long find(Connection c, String user, MailboxName name) throws SQLException {
    return Jdbc.queryLong(c, "SELECT id FROM mailboxes WHERE username = ? AND name = ?",
        user, name.value());
  }

  static long create(Connection c, String user, MailboxName name, SpecialUse su) throws SQLException {
    requireUser(c, user);
    long existing = find(c, user, name);
    if (existing != 0) {
      if (Jdbc.queryLong(c, "SELECT count(*) FROM mailboxes WHERE id = ? AND noselect", existing) == 0) {
        throw new MailStoreException(ALREADY_EXISTS, name + " exists");
      }
      Jdbc.update(c, "UPDATE mailboxes SET noselect = false, special_use = ? WHERE id = ?",
          su == null ? null : su.name(), existing);
      return existing;
    }
    placeSuperiors(c, user, name);
    return insert(c, user, name, su, false);
  }

  /**
   * Makes each missing superior of {@code name} a \Noselect placeholder, the row DELETE leaves
   * above a child (RFC 3501 section 6.3.4), not a real mailbox: RFC 3501 section 6.3.3 asks only
   * that the superior names exist, and Dovecot and Cyrus list them {@code (\Noselect
   * \HasChildren)}, so a client never sees mailboxes it did not create. CREATE of the name
   * itself makes it real.
   */
  private static void placeSuperiors(Connection c, String user, MailboxName name) throws SQLException {
    MailboxName parent = name.parent();
    if (parent == null || find(c, user, parent) != 0) {
      return;
    }
    placeSuperiors(c, user, parent);
    insert(c, user, parent, null, true);
  }

  /**
   * Removes the \Noselect placeholders above {@code name} that no longer have a child, nearest
   * first: a placeholder only stands for its children (Dovecot drops such a name as its last child
   * goes), and one left behind could never be told apart from a name the user means to keep.
   */
  private static void pruneSuperiors(Connection c, String user, MailboxName name) throws SQLException {
    for (MailboxName p = name.parent(); p != null; p = p.parent()) {
      long id = find(c, user, p);
      if (id == 0 || Jdbc.queryLong(c, "SELECT count(*) FROM mailboxes WHERE id = ? AND noselect", id) == 0
          || hasChildren(c, user, p)) {
        return;
      }
      Jdbc.update(c, "DELETE FROM vanished WHERE mailbox_id = ?", id);
      Jdbc.update(c, "DELETE FROM mailboxes WHERE id = ?", id);
    }
  }

  private static long insert(Connection c, String user, MailboxName name, SpecialUse su,
      boolean noselect) throws SQLException {
    return Jdbc.queryLong(c, "INSERT INTO mailboxes(username, name, uidvalidity, uidnext,"
        + " highestmodseq, special_use, noselect) VALUES (?, ?, ?, 1, 1, ?, ?) RETURNING id", user,
        name.value(), nextUidValidity(c), su == null ? null : su.name(), noselect);
  }

  /**
   * A UIDVALIDITY never used before in this database (RFC 3501 section 2.3.1.1): the clock in
   * seconds, but always above the last one handed out by any node (the counter row is locked by
   * the UPDATE until commit), so delete + create of one name changes it.
   */
  static long nextUidValidity(Connection c) throws SQLException {
    return Jdbc.queryLong(c, "UPDATE counters SET value = greatest(value + 1, ?)"
        + " WHERE name = 'uidvalidity' RETURNING value", System.currentTimeMillis() / 1000);
  }

  static boolean hasChildren(Connection c, String user, MailboxName name) throws SQLException {
    return Jdbc.queryLong(c, "SELECT count(*) FROM mailboxes WHERE username = ?"
        + " AND substr(name, 1, length(?) + 1) = ? || '/'", user, name.value(), name.value()) > 0;
  }

  static void delete(Connection c, PgTx.Effects fx, String user, MailboxName name)
      throws SQLException {
    if (name.isInbox()) {
      throw new MailStoreException(CANNOT, "INBOX cannot be deleted");
    }
    long id = find(c, user, name);
    if (id == 0) {
      throw new MailStoreException(NO_SUCH_MAILBOX, "no mailbox " + name);
    }
    boolean noselect = Jdbc.queryLong(c,
        "SELECT count(*) FROM mailboxes WHERE id = ? AND noselect", id) > 0;
    boolean children = hasChildren(c, user, name);
    if (children && noselect) {
      throw new MailStoreException(CANNOT, name + " has children");
    }
    PgMessageOps.removeAll(c, fx, new MailboxId(id), user);
    MailboxKeywords.forget(c, id);
    long modSeq = Jdbc.queryLong(c, "SELECT highestmodseq FROM mailboxes WHERE id = ?", id);
    if (children) {
      Jdbc.update(c, "UPDATE mailboxes SET noselect = true, special_use = NULL WHERE id = ?", id);
    } else {
      Jdbc.update(c, "DELETE FROM vanished WHERE mailbox_id = ?", id);
      Jdbc.update(c, "DELETE FROM mailboxes WHERE id = ?", id);
      pruneSuperiors(c, user, name);
    }
    fx.event(new MailboxEvent.Deleted(new MailboxId(id), modSeq));
  }

  static void rename(Connection c, PgTx.Effects fx, String user, MailboxName from,
      MailboxName to) throws SQLException {
    long id = find(c, user, from);
    if (id == 0) {
      throw new MailStoreException(NO_SUCH_MAILBOX, "no mailbox " + from);
    }
    if (find(c, user, to) != 0) {
      throw new MailStoreException(ALREADY_EXISTS, to + " exists");
    }
    if (from.equals(to) || from.isAncestorOf(to) || to.isInbox()) {
      throw new MailStoreException(CANNOT, "cannot rename " + from + " to " + to);
    }
    placeSuperiors(c, user, to);
    if (from.isInbox()) {
      // RFC 3501 6.3.5: INBOX's messages move to the new name, INBOX stays (empty); its children
      // are not renamed. INBOX keeps its UIDVALIDITY and UIDNEXT, so its UIDs are never reused.
      long target = insert(c, user, to, null, false);
      PgMessageOps.moveAllFromInbox(c, fx, new MailboxId(id), new MailboxId(target));
      return;
    }
    List<String[]> renames = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM mailboxes WHERE username = ?"
        + " AND (name = ? OR substr(name, 1, length(?) + 1) = ? || '/')")) {
      ps.setString(1, user);
      ps.setString(2, from.value());
      ps.setString(3, from.value());
      ps.setString(4, from.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          MailboxName old = MailboxName.of(rs.getString(1));
          MailboxName neu = old.equals(from) ? to : old.reparent(from, to);
          renames.add(new String[] {old.value(), neu.value()});
        }
      }
    }
    for (String[] r : renames) {
      if (find(c, user, MailboxName.of(r[1])) != 0) {
        throw new MailStoreException(ALREADY_EXISTS, r[1] + " exists");
      }
      Jdbc.update(c, "UPDATE mailboxes SET name = ? WHERE username = ? AND name = ?", r[1], user, r[0]);
      Jdbc.update(c, "DELETE FROM subscriptions WHERE username = ? AND name = ?", user, r[1]);
      Jdbc.update(c, "UPDATE subscriptions SET name = ? WHERE username = ? AND name = ?",
          r[1], user, r[0]);
    }
    pruneSuperiors(c, user, from);
  }
}

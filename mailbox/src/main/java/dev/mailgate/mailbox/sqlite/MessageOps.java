package dev.mailgate.mailbox.sqlite;

import static dev.mailgate.mailbox.store.MailStoreException.Reason.NOT_SELECTABLE;
import static dev.mailgate.mailbox.store.MailStoreException.Reason.NO_SUCH_MAILBOX;

import dev.mailgate.mailbox.jdbc.InternalDates;
import dev.mailgate.mailbox.jdbc.Jdbc;
import dev.mailgate.mailbox.jdbc.MailboxKeywords;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.CopyResult;
import dev.mailgate.mailbox.store.ExpungeResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.QuotaExceededException;
import dev.mailgate.mailbox.store.StoreResult;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Message operations of the SQLite store: index rows, UIDs, MODSEQs (RFC 7162 section 3.1), the
 * VANISHED record (RFC 7162 section 3.2.10), quota accounting (RFC 9208). Each runs inside the
 * writer's transaction, so a UID or MODSEQ is allocated and used atomically.
 */
final class MessageOps {
  static final String META_COLUMNS = "uid, modseq, flags, keywords, size, internal_date, sent_date, internal_zone";

  private MessageOps() {}

  /** The mailbox row's user, uidvalidity; fails if absent or \Noselect. */
  record Box(String user, long uidValidity) {}

  static Box box(Connection c, MailboxId id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT user, uidvalidity, noselect FROM mailboxes WHERE id = ?")) {
      ps.setLong(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(NO_SUCH_MAILBOX, "mailbox " + id.value() + " is gone");
        }
        if (rs.getInt(3) != 0) {
          throw new MailStoreException(NOT_SELECTABLE, "mailbox is \\Noselect");
        }
        return new Box(rs.getString(1), rs.getLong(2));
      }
    }
  }

  static long bumpModSeq(Connection c, MailboxId id) throws SQLException {
    return Jdbc.queryLong(c, "UPDATE mailboxes SET highestmodseq = highestmodseq + 1"
        + " WHERE id = ? RETURNING highestmodseq", id.value());
  }

  private static long takeUid(Connection c, MailboxId id) throws SQLException {
    return Jdbc.queryLong(c, "UPDATE mailboxes SET uidnext = uidnext + 1 WHERE id = ?"
        + " RETURNING uidnext - 1", id.value());
  }

  static void checkQuota(Connection c, String user, long bytes, long messages) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT storage_limit, storage_used,"
        + " message_limit, messages_used FROM accounts WHERE user = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_USER, "no user " + user);
        }
        if (rs.getLong(2) + bytes > rs.getLong(1)) {
          throw new QuotaExceededException(QuotaExceededException.Resource.STORAGE, rs.getLong(1), rs.getLong(2));
        }
        if (rs.getLong(4) + messages > rs.getLong(3)) {
          throw new QuotaExceededException(QuotaExceededException.Resource.MESSAGE, rs.getLong(3), rs.getLong(4));
        }
      }
    }
  }

  private static void account(Connection c, String user, long bytes, long messages) throws SQLException {
    Jdbc.update(c, "UPDATE accounts SET storage_used = storage_used + ?,"
        + " messages_used = messages_used + ? WHERE user = ?", bytes, messages, user);
  }

  /** A message about to be indexed: its durable body and cached structure. */
  record NewMessage(Flags flags, OffsetDateTime internalDate, long size, String bodyId,
      byte[] structure, Optional<Instant> sentDate, byte[] inline) {
    boolean isInline() {
      return inline != null;
    }
  }

  static AppendResult insert(Connection c, SqliteWriter.Effects fx, MailboxId id, NewMessage m)
      throws SQLException {
    Box box = box(c, id);
    checkQuota(c, box.user(), m.size(), 1);
    long uid = takeUid(c, id);
    long modSeq = bumpModSeq(c, id);
    if (m.isInline()) {
      Jdbc.update(c, "INSERT INTO inline_bodies VALUES (?, ?)", m.bodyId(), m.inline());
    }
    MailboxKeywords.admit(c, id.value(), m.flags().keywords());
    Jdbc.update(c, "INSERT INTO messages(mailbox_id, uid, modseq, flags, keywords, size,"
        + " internal_date, internal_zone, sent_date, body_id, structure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id.value(), uid, modSeq, m.flags().systemMask(), m.flags().keywordsStored(), m.size(),
        InternalDates.epochMillis(m.internalDate()), InternalDates.offsetSeconds(m.internalDate()),
        m.sentDate().map(Instant::toEpochMilli).orElse(null),
        m.bodyId(), m.structure());
    account(c, box.user(), m.size(), 1);
    fx.event(new MailboxEvent.Added(id, uid, modSeq, m.flags()));
    return new AppendResult(box.uidValidity(), uid, modSeq);
  }

  static List<MessageMeta> select(Connection c, MailboxId id, String where, Object... args)
      throws SQLException {
    List<MessageMeta> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
        + " FROM messages WHERE mailbox_id = ? AND " + where + " ORDER BY uid")) {
      ps.setLong(1, id.value());
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 2, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(meta(rs));
        }
      }
    }
    return out;
  }

  static List<MessageMeta> select(Connection c, MailboxId id, UidSet uids) throws SQLException {
    List<MessageMeta> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
        + " FROM messages WHERE mailbox_id = ? AND " + Jdbc.uidCondition(uids) + " ORDER BY uid")) {
      ps.setLong(1, id.value());
      Jdbc.bindUids(ps, 2, uids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(meta(rs));
        }
      }
    }
    return out;
  }

  /** At most {@code limit} messages of the set with a UID above {@code after}, ascending. */
  static List<MessageMeta> page(Connection c, MailboxId id, UidSet uids, long after, int limit)
      throws SQLException {
    List<MessageMeta> out = new ArrayList<>(Math.min(limit, 1024));
    try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
        + " FROM messages WHERE mailbox_id = ? AND uid > ? AND " + Jdbc.uidCondition(uids)
        + " ORDER BY uid LIMIT ?")) {
      ps.setLong(1, id.value());
      ps.setLong(2, after);
      int next = Jdbc.bindUids(ps, 3, uids);
      ps.setInt(next, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(meta(rs));
        }
      }
    }
    return out;
  }

  private static MessageMeta meta(ResultSet rs) throws SQLException {
    long sent = rs.getLong(7);
    Optional<Instant> sentDate = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(sent));
    return new MessageMeta(rs.getLong(1), rs.getLong(2), Flags.fromStored(rs.getInt(3), rs.getString(4)),
        rs.getLong(5), InternalDates.of(rs.getLong(6), rs.getInt(8)), sentDate);
  }

  static StoreResult store(Connection c, SqliteWriter.Effects fx, MailboxId id, UidSet uids,
      FlagUpdate update) throws SQLException {
    box(c, id);
    if (update.mode() != FlagUpdate.Mode.REMOVE) {
      MailboxKeywords.admit(c, id.value(), update.flags().keywords());
    }
    List<StoreResult.MessageFlags> updated = new ArrayList<>();
    List<Long> modified = new ArrayList<>();
    List<StoreResult.MessageFlags> unchanged = new ArrayList<>();
    long modSeq = -1;
    for (MessageMeta m : select(c, id, uids)) {
      if (update.unchangedSince().isPresent() && m.modSeq() > update.unchangedSince().getAsLong()) {
        modified.add(m.uid());
        continue;
      }
      Flags next = update.apply(m.flags());
      if (next.equals(m.flags())) {
        unchanged.add(new StoreResult.MessageFlags(m.uid(), m.flags(), m.modSeq()));
        continue;
      }
      if (modSeq < 0) {
        modSeq = bumpModSeq(c, id); // one MODSEQ for everything this STORE changes
      }
      Jdbc.update(c, "UPDATE messages SET flags = ?, keywords = ?, modseq = ?"
          + " WHERE mailbox_id = ? AND uid = ?", next.systemMask(), next.keywordsStored(), modSeq,
          id.value(), m.uid());
      updated.add(new StoreResult.MessageFlags(m.uid(), next, modSeq));
      fx.event(new MailboxEvent.FlagsChanged(id, m.uid(), next, modSeq));
    }
    return new StoreResult(updated, modified, unchanged);
  }

  static CopyResult copy(Connection c, SqliteWriter.Effects fx, MailboxId from, UidSet uids,
      MailboxId to, boolean move) throws SQLException {
    box(c, from);
    Box target = box(c, to);
    List<MessageMeta> source = select(c, from, uids);
    long bytes = source.stream().mapToLong(MessageMeta::size).sum();
    Box src = box(c, from);
    boolean sameUser = src.user().equals(target.user());
    if (!(move && sameUser)) {
      checkQuota(c, target.user(), bytes, source.size());
    }
    List<Long> srcUids = new ArrayList<>();
    List<Long> dstUids = new ArrayList<>();
    if (source.isEmpty()) {
      return new CopyResult(target.uidValidity(), srcUids, dstUids);
    }
    Set<String> keywords = new HashSet<>();
    for (MessageMeta m : source) {
      keywords.addAll(m.flags().keywords()); // at most one chunk of messages' worth
    }
    MailboxKeywords.admit(c, to.value(), keywords);
    long modSeq = bumpModSeq(c, to);
    for (MessageMeta m : source) {
      long uid = takeUid(c, to);
      Jdbc.update(c, "INSERT INTO messages(mailbox_id, uid, modseq, flags, keywords, size,"
          + " internal_date, internal_zone, sent_date, body_id, structure) SELECT ?, ?, ?, flags, keywords,"
          + " size, internal_date, internal_zone, sent_date, body_id, structure FROM messages"
          + " WHERE mailbox_id = ? AND uid = ?",
          to.value(), uid, modSeq, from.value(), m.uid());
      srcUids.add(m.uid());
      dstUids.add(uid);
      fx.event(new MailboxEvent.Added(to, uid, modSeq, m.flags()));
    }
    account(c, target.user(), bytes, source.size());
    if (move) {
      remove(c, fx, from, src.user(), srcUids);
    }
    return new CopyResult(target.uidValidity(), srcUids, dstUids);
  }

  static ExpungeResult expunge(Connection c, SqliteWriter.Effects fx, MailboxId id, UidSet uids)
      throws SQLException {
    Box box = box(c, id);
    List<Long> doomed = new ArrayList<>();
    for (MessageMeta m : select(c, id, uids)) {
      if (m.flags().has(SystemFlag.DELETED)) {
        doomed.add(m.uid());
      }
    }
    if (doomed.isEmpty()) {
      return new ExpungeResult(List.of(), Jdbc.queryLong(c,
          "SELECT highestmodseq FROM mailboxes WHERE id = ?", id.value()));
    }
    return remove(c, fx, id, box.user(), doomed);
  }

  /** Removes rows, remembers them as vanished, frees quota and unreferenced bodies. */
  static ExpungeResult remove(Connection c, SqliteWriter.Effects fx, MailboxId id, String user,
      List<Long> uids) throws SQLException {
    long modSeq = bumpModSeq(c, id);
    long bytes = 0;
    Set<String> bodies = new HashSet<>();
    for (long uid : uids) {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM messages WHERE mailbox_id = ? AND uid = ? RETURNING size, body_id")) {
        ps.setLong(1, id.value());
        ps.setLong(2, uid);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            bytes += rs.getLong(1);
            bodies.add(rs.getString(2));
          }
        }
      }
      Jdbc.update(c, "INSERT OR REPLACE INTO vanished VALUES (?, ?, ?)", id.value(), uid, modSeq);
    }
    account(c, user, -bytes, -uids.size());
    for (String b : bodies) {
      if (Jdbc.queryLong(c, "SELECT count(*) FROM messages WHERE body_id = ?", b) == 0) {
        if (b.startsWith(Schema.INLINE_PREFIX)) {
          Jdbc.update(c, "DELETE FROM inline_bodies WHERE body_id = ?", b);
        } else {
          fx.deleteBody(b); // after commit: a crash in between leaves an orphan, removed at open
        }
      }
    }
    fx.event(new MailboxEvent.Expunged(id, List.copyOf(uids), modSeq));
    return new ExpungeResult(List.copyOf(uids), modSeq);
  }

  /** Removes every message of a mailbox being deleted. */
  static void removeAll(Connection c, SqliteWriter.Effects fx, MailboxId id, String user)
      throws SQLException {
    List<Long> uids = new ArrayList<>();
    for (MessageMeta m : select(c, id, UidSet.all())) {
      uids.add(m.uid());
    }
    if (!uids.isEmpty()) {
      remove(c, fx, id, user, uids);
    }
  }

  /** RENAME INBOX: every message moves, keeping its UID, into the new (fresh) mailbox. */
  static void moveAllFromInbox(Connection c, SqliteWriter.Effects fx, MailboxId inbox,
      MailboxId target) throws SQLException {
    List<Long> uids = new ArrayList<>();
    for (MessageMeta m : select(c, inbox, UidSet.all())) {
      uids.add(m.uid());
    }
    if (uids.isEmpty()) {
      return;
    }
    long inboxNext = Jdbc.queryLong(c, "SELECT uidnext FROM mailboxes WHERE id = ?", inbox.value());
    long modSeq = bumpModSeq(c, inbox);
    Jdbc.update(c, "UPDATE messages SET mailbox_id = ?, modseq = 1 WHERE mailbox_id = ?",
        target.value(), inbox.value());
    Jdbc.update(c, "UPDATE mailboxes SET uidnext = ?, highestmodseq = 1 WHERE id = ?",
        inboxNext, target.value());
    MailboxKeywords.copy(c, inbox.value(), target.value());
    for (long uid : uids) {
      Jdbc.update(c, "INSERT OR REPLACE INTO vanished VALUES (?, ?, ?)", inbox.value(), uid, modSeq);
    }
    fx.event(new MailboxEvent.Expunged(inbox, List.copyOf(uids), modSeq));
  }

  static String bodyId(Connection c, MailboxId id, long uid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT body_id FROM messages WHERE mailbox_id = ? AND uid = ?")) {
      ps.setLong(1, id.value());
      ps.setLong(2, uid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_MESSAGE, "no message " + uid);
        }
        return rs.getString(1);
      }
    }
  }

  /** The bytes of an inline body in {@code range} (bounded by the inline size limit). */
  static byte[] inline(Connection c, String bodyId, dev.mailgate.mailbox.store.ByteRange range)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT substr(data, ?, ?) FROM inline_bodies WHERE body_id = ?")) {
      ps.setLong(1, range.offset() + 1);
      ps.setLong(2, Math.min(range.length(), Integer.MAX_VALUE));
      ps.setString(3, bodyId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_MESSAGE, "body gone");
        }
        byte[] b = rs.getBytes(1);
        return b == null ? new byte[0] : b;
      }
    }
  }

  static byte[] structure(Connection c, MailboxId id, long uid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT structure FROM messages WHERE mailbox_id = ? AND uid = ?")) {
      ps.setLong(1, id.value());
      ps.setLong(2, uid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(MailStoreException.Reason.NO_SUCH_MESSAGE, "no message " + uid);
        }
        return rs.getBytes(1);
      }
    }
  }
}

package dev.mailgate.mailbox.postgres;

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
import java.sql.Array;
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
import java.util.TreeSet;

/**
 * Message operations: index rows, UIDs, MODSEQs (RFC 7162 section 3.1), the VANISHED record (RFC
 * 7162 section 3.2.10), quota accounting (RFC 9208), each inside the caller's transaction.
 *
 * <p>Several nodes write one database, so every change first locks the rows it depends on, always
 * in the same order (mailbox rows by id, then the account row): a STORE or EXPUNGE locks its
 * mailbox row before reading flags, so two nodes never interleave a read-modify-write; an append
 * allocates its UID with {@code UPDATE mailboxes ... RETURNING}, which holds the row lock until
 * commit, so a second node's append waits and then gets the next UID, and a rolled-back append
 * gives its UID back (no gap, no reuse).
 */
final class PgMessageOps {
  static final String META_COLUMNS = "uid, modseq, flags, keywords, size, internal_date, sent_date, internal_zone";

  private PgMessageOps() {}

  /** The mailbox row's user and UIDVALIDITY. */
  record Box(String user, long uidValidity) {}

  /** Reads (and with {@code lock}, locks until commit) a selectable mailbox row. */
  static Box box(Connection c, MailboxId id, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT username, uidvalidity, noselect"
        + " FROM mailboxes WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
      ps.setLong(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new MailStoreException(NO_SUCH_MAILBOX, "mailbox " + id.value() + " is gone");
        }
        if (rs.getBoolean(3)) {
          throw new MailStoreException(NOT_SELECTABLE, "mailbox is \\Noselect");
        }
        return new Box(rs.getString(1), rs.getLong(2));
      }
    }
  }

  /** Locks two mailbox rows in id order (COPY/MOVE), so crossing copies cannot deadlock. */
  static void lockPair(Connection c, MailboxId a, MailboxId b) throws SQLException {
    Jdbc.queryLong(c, "SELECT count(*) FROM (SELECT id FROM mailboxes WHERE id IN (?, ?)"
        + " ORDER BY id FOR UPDATE) locked", a.value(), b.value());
  }

  static long bumpModSeq(Connection c, MailboxId id) throws SQLException {
    return Jdbc.queryLong(c, "UPDATE mailboxes SET highestmodseq = highestmodseq + 1"
        + " WHERE id = ? RETURNING highestmodseq", id.value());
  }

  private static long takeUid(Connection c, MailboxId id) throws SQLException {
    return Jdbc.queryLong(c, "UPDATE mailboxes SET uidnext = uidnext + 1 WHERE id = ?"
        + " RETURNING uidnext - 1", id.value());
  }

  /** Fails unless the user can take {@code bytes} and {@code messages} more; locks with {@code lock}. */
  static void checkQuota(Connection c, String user, long bytes, long messages, boolean lock)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT storage_limit, storage_used,"
        + " message_limit, messages_used FROM accounts WHERE username = ?" + (lock ? " FOR UPDATE" : ""))) {
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
        + " messages_used = messages_used + ? WHERE username = ?", bytes, messages, user);
  }

  /** A message about to be indexed: its stored body and cached structure. */
  record NewMessage(Flags flags, OffsetDateTime internalDate, long size, long bodyId, byte[] structure,
      Optional<Instant> sentDate) {}

  static AppendResult insert(Connection c, PgTx.Effects fx, MailboxId id, NewMessage m)
      throws SQLException {
    long uid;
    long modSeq;
    Box box;
    try (PreparedStatement ps = c.prepareStatement("UPDATE mailboxes SET uidnext = uidnext + 1,"
        + " highestmodseq = highestmodseq + 1 WHERE id = ? AND NOT noselect"
        + " RETURNING uidnext - 1, highestmodseq, username, uidvalidity")) {
      ps.setLong(1, id.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          box(c, id, false); // says whether it is gone or \Noselect
          throw new MailStoreException(NO_SUCH_MAILBOX, "mailbox " + id.value() + " is gone");
        }
        uid = rs.getLong(1);
        modSeq = rs.getLong(2);
        box = new Box(rs.getString(3), rs.getLong(4));
      }
    }
    checkQuota(c, box.user(), m.size(), 1, true);
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
    try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
        + " FROM messages WHERE mailbox_id = ? AND " + where + " ORDER BY uid")) {
      ps.setLong(1, id.value());
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 2, args[i]);
      }
      return metas(ps);
    }
  }

  static List<MessageMeta> select(Connection c, MailboxId id, UidSet uids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + META_COLUMNS
        + " FROM messages WHERE mailbox_id = ? AND " + Jdbc.uidCondition(uids) + " ORDER BY uid")) {
      ps.setLong(1, id.value());
      Jdbc.bindUids(ps, 2, uids);
      return metas(ps);
    }
  }

  private static List<MessageMeta> metas(PreparedStatement ps) throws SQLException {
    List<MessageMeta> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long sent = rs.getLong(7);
        Optional<Instant> sentDate = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(sent));
        out.add(new MessageMeta(rs.getLong(1), rs.getLong(2),
            Flags.fromStored(rs.getInt(3), rs.getString(4)), rs.getLong(5),
            InternalDates.of(rs.getLong(6), rs.getInt(8)), sentDate));
      }
    }
    return out;
  }

  static StoreResult store(Connection c, PgTx.Effects fx, MailboxId id, UidSet uids,
      FlagUpdate update) throws SQLException {
    box(c, id, true);
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

  static CopyResult copy(Connection c, PgTx.Effects fx, MailboxId from, UidSet uids,
      MailboxId to, boolean move) throws SQLException {
    lockPair(c, from, to);
    Box src = box(c, from, false);
    Box target = box(c, to, false);
    List<MessageMeta> source = select(c, from, uids);
    long bytes = source.stream().mapToLong(MessageMeta::size).sum();
    boolean sameUser = src.user().equals(target.user());
    if (!(move && sameUser)) {
      checkQuota(c, target.user(), bytes, source.size(), true);
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

  static ExpungeResult expunge(Connection c, PgTx.Effects fx, MailboxId id, UidSet uids)
      throws SQLException {
    Box box = box(c, id, true);
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
  static ExpungeResult remove(Connection c, PgTx.Effects fx, MailboxId id, String user,
      List<Long> uids) throws SQLException {
    long modSeq = bumpModSeq(c, id);
    long bytes = 0;
    long count = 0;
    Set<Long> bodies = new TreeSet<>(); // ascending: two removers lock shared bodies in one order
    Array uidArray = c.createArrayOf("bigint", uids.toArray(new Long[0]));
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM messages WHERE mailbox_id = ? AND uid = ANY(?) RETURNING size, body_id")) {
      ps.setLong(1, id.value());
      ps.setArray(2, uidArray);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bytes += rs.getLong(1);
          bodies.add(rs.getLong(2));
          count++;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO vanished"
        + " SELECT ?, u, ? FROM unnest(?) AS u ON CONFLICT (mailbox_id, uid)"
        + " DO UPDATE SET modseq = excluded.modseq")) {
      ps.setLong(1, id.value());
      ps.setLong(2, modSeq);
      ps.setArray(3, uidArray);
      ps.executeUpdate();
    }
    account(c, user, -bytes, -count);
    for (long b : bodies) {
      PgBodies.deleteIfUnreferenced(c, b);
    }
    fx.event(new MailboxEvent.Expunged(id, List.copyOf(uids), modSeq));
    return new ExpungeResult(List.copyOf(uids), modSeq);
  }

  /** Removes every message of a mailbox being deleted. */
  static void removeAll(Connection c, PgTx.Effects fx, MailboxId id, String user)
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
  static void moveAllFromInbox(Connection c, PgTx.Effects fx, MailboxId inbox, MailboxId target)
      throws SQLException {
    box(c, inbox, true);
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
      Jdbc.update(c, "INSERT INTO vanished VALUES (?, ?, ?) ON CONFLICT (mailbox_id, uid)"
          + " DO UPDATE SET modseq = excluded.modseq", inbox.value(), uid, modSeq);
    }
    fx.event(new MailboxEvent.Expunged(inbox, List.copyOf(uids), modSeq));
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

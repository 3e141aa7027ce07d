/**
 * The local mailbox tier (DESIGN.md, "Local mailbox tier"): everything the IMAP, POP3 and SMTP
 * sessions of {@code gateway} need to serve local users, and no wire syntax.
 *
 * <ul>
 *   <li>{@link dev.mailgate.mailbox.store} - the reactive store API ({@code MailStore}) and its
 *       values; {@link dev.mailgate.mailbox.sqlite} - the embedded implementation.
 *   <li>{@link dev.mailgate.mailbox.mime} - message structure (envelope, body structure, part
 *       offsets) computed with mime4j at append time.
 *   <li>{@link dev.mailgate.mailbox.search} - the SEARCH criteria tree and its evaluator.
 *   <li>{@link dev.mailgate.mailbox.sort} - SORT and THREAD (RFC 5256): base subjects, the sort
 *       order, the ORDEREDSUBJECT and REFERENCES threading algorithms.
 *   <li>{@link dev.mailgate.mailbox.user} - the user database, password hashes, Dovecot import.
 * </ul>
 *
 * <h2>Data directory layout</h2>
 *
 * <pre>
 * &lt;data&gt;/
 *   store.db, store.db-wal, store.db-shm   SQLite index (WAL, synchronous=FULL): accounts and
 *                                          quotas, mailboxes (UIDVALIDITY, UIDNEXT,
 *                                          HIGHESTMODSEQ), subscriptions, messages (UID, MODSEQ,
 *                                          flags, size, dates, cached structure), vanished UIDs,
 *                                          and inline_bodies: messages up to
 *                                          StoreLimits.inlineBodyBytes (64 KiB) as BLOBs
 *   bodies/00 .. bodies/ff/&lt;32 hex&gt;       message bodies, one immutable file each, shared by
 *                                          copies; the first two hex digits pick the shard
 *   tmp/&lt;24 hex&gt;.tmp                       appends in progress; removed at start
 *   users.db (+ -wal, -shm)                users, aliases and password hashes (UserStore)
 * </pre>
 *
 * <h2>Crash safety</h2>
 *
 * An append streams the body to {@code tmp/}. A large body is fsynced, renamed into {@code
 * bodies/} and that directory fsynced, and only then is the index row committed (synchronous=FULL
 * fsyncs the WAL) and the append acknowledged. A small body (at most 64 KiB by default) is read
 * back and inserted as a BLOB in the same transaction as its index row, so one group-committed WAL
 * fsync makes both durable. A crash before the commit leaves a temp file or an unreferenced body, both removed
 * when the store opens; a crash after it loses nothing. Expunge commits first and deletes bodies
 * afterwards, so an interrupted expunge leaves at most an unreferenced body, also removed at open.
 */
package dev.mailgate.mailbox;

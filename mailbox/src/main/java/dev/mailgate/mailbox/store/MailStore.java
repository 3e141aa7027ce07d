package dev.mailgate.mailbox.store;

import dev.mailgate.mailbox.mime.MessageStructure;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The local mailbox tier's store: users' mailboxes, messages and their metadata, behind a reactive
 * API. No wire syntax: the IMAP, POP3 and SMTP sessions in {@code gateway} translate.
 *
 * <p>Contract for every implementation (checked by the store contract tests):
 *
 * <ul>
 *   <li>Every returned publisher runs its blocking work on the store's own bounded schedulers and
 *       signals there, never on the subscriber's thread; callers on an event loop hop back with
 *       {@code publishOn}.
 *   <li>A successful append/copy/move/store/expunge is durable when its Mono completes.
 *   <li>UIDs are strictly increasing per mailbox and never reused while UIDVALIDITY stays the same
 *       (RFC 3501 section 2.3.1.1); every change raises the mailbox's HIGHESTMODSEQ and gives the
 *       changed messages that MODSEQ (RFC 7162 section 3.1).
 *   <li>Failures are {@link MailStoreException}s with a {@link MailStoreException.Reason}.
 * </ul>
 */
public interface MailStore extends AutoCloseable {

  // ---- users and quota -------------------------------------------------------------------------

  /**
   * Creates the user's INBOX and one mailbox per {@link SpecialUse} (subscribed), with the quota's
   * limits. Idempotent: an existing user keeps its mailboxes and gets the new limits.
   */
  Mono<Void> provision(String user, Quota limits);

  /** Deletes the user's mailboxes, messages and subscriptions. */
  Mono<Void> deleteUser(String user);

  /** The user's limits and usage; fails with NO_SUCH_USER. */
  Mono<Quota> quota(String user);

  // ---- mailboxes ---------------------------------------------------------------------------------

  /** All the user's mailboxes in name order (LIST matches patterns over these). */
  Flux<MailboxInfo> mailboxes(String user);

  /** One mailbox with its STATUS counts; fails with NO_SUCH_MAILBOX. */
  Mono<MailboxInfo> mailbox(String user, MailboxName name);

  /**
   * Creates a mailbox (RFC 3501 section 6.3.3); its missing superiors become \Noselect
   * placeholders, as Dovecot and Cyrus make them. CREATE of a placeholder's name makes it a real
   * mailbox; an existing real one fails (ALREADY_EXISTS).
   */
  Mono<MailboxInfo> create(String user, MailboxName name, Set<SpecialUse> specialUse);

  /**
   * Deletes a mailbox (RFC 3501 section 6.3.4). INBOX cannot be deleted (CANNOT). A mailbox with
   * children loses its messages and becomes \Noselect; a \Noselect one with children fails
   * (CANNOT). A \Noselect placeholder left without children by DELETE or RENAME goes too.
   */
  Mono<Void> delete(String user, MailboxName name);

  /**
   * Renames a mailbox and its children, keeping UIDVALIDITY and UIDs (RFC 3501 section 6.3.5).
   * Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty (and with a new
   * UIDVALIDITY).
   */
  Mono<Void> rename(String user, MailboxName from, MailboxName to);

  /** SUBSCRIBE / UNSUBSCRIBE; a name may be subscribed without existing. */
  Mono<Void> subscribe(String user, MailboxName name, boolean subscribed);

  /** Subscribed names in order (LSUB, LIST (SUBSCRIBED)). */
  Flux<MailboxName> subscriptions(String user);

  // ---- messages ----------------------------------------------------------------------------------

  /**
   * Appends a message streamed as chunks; the buffers are consumed in order, with backpressure, and
   * not retained after they are written. The Mono completes with the new UID only after the bytes
   * and the index entry are durable; the structure (envelope, body structure, part offsets) is
   * computed and cached on the way. Fails with OVER_QUOTA, TOO_BIG, NO_SUCH_MAILBOX.
   */
  Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Flux<ByteBuffer> message);

  /** Appends a message held in a file (e.g. an SMTP spool file); the file is left in place. */
  Mono<AppendResult> append(MailboxId mailbox, AppendRequest request, Path message);

  /** Metadata of the messages whose UIDs are in the set, ascending by UID. */
  Flux<MessageMeta> messages(MailboxId mailbox, UidSet uids);

  /** Messages whose MODSEQ is greater than {@code modSeq} (CONDSTORE CHANGEDSINCE), by UID. */
  Flux<MessageMeta> changedSince(MailboxId mailbox, long modSeq);

  /** UIDs expunged with a MODSEQ greater than {@code modSeq} (QRESYNC VANISHED (EARLIER)). */
  Flux<Long> vanishedSince(MailboxId mailbox, long modSeq);

  /** The cached envelope, body structure and part offsets of one message. */
  Mono<MessageStructure> structure(MailboxId mailbox, long uid);

  /** The message's bytes in {@code range}, streamed in chunks of at most 64 KiB. */
  Flux<ByteBuffer> content(MailboxId mailbox, long uid, ByteRange range);

  /**
   * Claims the \Recent messages of a mailbox for one session (RFC 3501 section 2.3.2: a message
   * is recent in exactly one session, the first to learn of it). Returns the first UID no session
   * had claimed before this call, and marks every UID up to {@code throughUid} claimed, so the
   * caller alone shows UIDs from the returned one to {@code throughUid} as recent. A
   * {@code throughUid} of 0 only reads (EXAMINE, which leaves \Recent alone).
   */
  Mono<Long> claimRecent(MailboxId mailbox, long throughUid);

  /** Changes flags (STORE), bumping MODSEQ of the messages that actually change. */
  Mono<StoreResult> store(MailboxId mailbox, UidSet uids, FlagUpdate update);

  /** Copies messages (COPY), keeping flags and internal date; checks the quota. */
  Mono<CopyResult> copy(MailboxId from, UidSet uids, MailboxId to);

  /** Moves messages atomically (MOVE, RFC 6851): a copy and an expunge of the source. */
  Mono<CopyResult> move(MailboxId from, UidSet uids, MailboxId to);

  /**
   * Expunges the messages flagged \Deleted whose UIDs are in {@code uids} (EXPUNGE with
   * UidSet.all(), UID EXPUNGE, CLOSE, POP3 QUIT).
   */
  Mono<ExpungeResult> expunge(MailboxId mailbox, UidSet uids);

  /**
   * The mailbox's committed changes from now on, in commit order, as a hot stream that never
   * completes by itself. Events arrive on the store's own thread (a local change: before the call
   * that made it completes), so a subscriber must hand them over, never work or block there. Each
   * subscriber has its own bounded backlog ({@link StoreLimits}); a subscriber that falls further
   * behind gets an error and must resynchronise. The stream
   * completes after a {@link MailboxEvent.Deleted} event.
   */
  Flux<MailboxEvent> events(MailboxId mailbox);

  @Override
  void close();
}

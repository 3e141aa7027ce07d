package dev.mailgate.gateway.smtp;

import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.local.MailboxProvisioning;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.QuotaExceededException;
import dev.mailgate.mailbox.user.UserStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Final delivery into the local mailbox tier (issue 5 item 4): each recipient is an existing user
 * or alias ({@code 550 5.1.1} otherwise), or a postmaster address ({@link Postmasters}), whose
 * INBOX gets the message with a {@code Return-Path:} added (RFC 5321 4.4).
 *
 * <p>The content is streamed to a spool file in {@code spoolDir} on the given bounded I/O
 * scheduler (never the event loop, never whole in the heap), then appended from that file to each
 * distinct user's INBOX; the reply is 250 only after every append completed, i.e. is durable
 * (MailStore contract). Quota is checked for all recipients before the first append, so a full
 * mailbox ({@code 452 4.2.2}, or {@code 552 5.2.2} when the message could never fit) normally
 * refuses the message for everyone rather than for some; if an append still fails after others
 * succeeded (a race with another delivery), the reply is a 4yz: the client retries and the users
 * that already have it get a duplicate, which is better than a loss.
 */
public final class LocalDeliverySink implements TransactionSink {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDeliverySink.class);
  /** Spool writes in flight ahead of the disk. */
  private static final int SPOOL_PREFETCH = 4;

  private final MailStore store;
  private final UserStore users;
  private final Postmasters postmasters;
  private final Path spoolDir;
  private final Scheduler io;
  private final MailboxProvisioning provisioning;

  /**
   * A sink whose postmaster has no configured fallback ({@code local.postmaster} unset) and whose
   * new users get accounts without a quota.
   */
  public LocalDeliverySink(MailStore store, UserStore users, Path spoolDir, Scheduler io) {
    this(store, users, new Postmasters(users, Optional::empty), spoolDir, io, MailboxProvisioning.unlimited(store));
  }

  /**
   * @param provisioning gives a recipient who is a user but has no mailboxes yet (mail right after
   *     {@code user add}) their account, so the message is accepted instead of deferred
   */
  public LocalDeliverySink(MailStore store, UserStore users, Postmasters postmasters,
      Path spoolDir, Scheduler io, MailboxProvisioning provisioning) {
    this.store = store;
    this.users = users;
    this.postmasters = postmasters;
    this.spoolDir = spoolDir;
    this.io = io;
    this.provisioning = provisioning;
  }

  private static boolean noSuchUser(Throwable e) {
    return e instanceof MailStoreException m && m.reason() == MailStoreException.Reason.NO_SUCH_USER;
  }

  @Override
  public Transaction begin(Envelope envelope) {
    return new LocalTransaction(envelope);
  }

  private final class LocalTransaction implements Transaction {
    private final Envelope envelope;
    /** Canonical user names, each delivered once however many addresses named it. */
    private final Set<String> recipients = new LinkedHashSet<>();

    LocalTransaction(Envelope envelope) {
      this.envelope = envelope;
    }

    @Override
    public Mono<RecipientVerdict> recipient(SmtpPath recipient, RcptParameters parameters) {
      // RFC 5321 4.5.1: <Postmaster> and postmaster@ every local domain are always accepted
      Mono<String> owner = Postmasters.isPostmaster(recipient)
          ? postmasters.owner(recipient, envelope.session().serverHost())
          : users.resolve(RecipientRules.mailbox(recipient));
      return owner
          .flatMap(user -> verdict(user)
              // a user (it resolved) whose mailboxes are not there yet: one added a moment ago
              .onErrorResume(LocalDeliverySink::noSuchUser, e -> provisioning.ensure(user).then(verdict(user))))
          .defaultIfEmpty(RecipientVerdict.refused(SmtpReplies.UNKNOWN_USER))
          // provisioning failed too: a permanent 550 would bounce mail the sender can deliver soon
          .onErrorResume(MailStoreException.class, e -> Mono.just(
              e.reason() == MailStoreException.Reason.NO_SUCH_USER
                  ? RecipientVerdict.refused(SmtpReplies.MAILBOX_NOT_READY) : refusal(e)));
    }

    private Mono<RecipientVerdict> verdict(String user) {
      return store.quota(user)
          .map(q -> full(q) ? RecipientVerdict.refused(SmtpReplies.MAILBOX_FULL) : accept(user));
    }

    private RecipientVerdict accept(String user) {
      synchronized (recipients) {
        recipients.add(user);
      }
      return RecipientVerdict.accepted();
    }

    @Override
    public Mono<SmtpReply> deliver(Flux<ByteBuf> content) {
      Set<String> targets;
      synchronized (recipients) {
        targets = Set.copyOf(recipients);
      }
      Flux<ByteBuf> message = Flux.concat(
          Mono.fromSupplier(() -> Unpooled.copiedBuffer(
              TraceHeaders.returnPath(envelope.sender()), StandardCharsets.UTF_8)),
          content);
      return Mono.usingWhen(
              Mono.fromCallable(() -> {
                Files.createDirectories(spoolDir);
                return Files.createTempFile(spoolDir, "smtp-" + envelope.id() + "-", ".eml");
              }).subscribeOn(io),
              spool -> spool(message, spool).flatMap(size -> appendAll(targets, spool, size)),
              spool -> delete(spool),
              (spool, e) -> delete(spool),
              spool -> delete(spool))
          .onErrorResume(e -> Mono.just(failure(e)));
    }

    private Mono<Long> spool(Flux<ByteBuf> message, Path spool) {
      return Mono.using(
          () -> FileChannel.open(spool, StandardOpenOption.WRITE),
          ch -> message.publishOn(io, SPOOL_PREFETCH)
              .map(buf -> {
                try {
                  int n = buf.readableBytes();
                  buf.readBytes(ch, ch.position(), n);
                  ch.position(ch.position() + n);
                  return (long) n;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                } finally {
                  buf.release();
                }
              })
              .reduce(0L, Long::sum)
              .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease),
          ch -> {
            try {
              ch.close();
            } catch (IOException ignored) {
              // the spool file is deleted anyway
            }
          });
    }

    private Mono<SmtpReply> appendAll(Set<String> targets, Path spool, long size) {
      return Flux.fromIterable(targets)
          .concatMap(user -> store.quota(user).doOnNext(q -> checkFits(q, size)))
          .then(Flux.fromIterable(targets)
              .concatMap(user -> store.mailbox(user, MailboxName.INBOX)
                  .flatMap(box -> store.append(box.id(),
                      new AppendRequest(Flags.NONE, OffsetDateTime.now(), size), spool)))
              .count())
          .map(n -> SmtpReply.of(250, "2.0.0", "OK: delivered to " + n + " mailbox"
              + (n == 1 ? "" : "es") + " as " + envelope.id()));
    }

    @Override
    public Mono<Void> abort() {
      return Mono.empty();
    }
  }

  private static boolean full(Quota q) {
    return q.storageUsed() >= q.storageLimit() || q.messagesUsed() >= q.messageLimit();
  }

  private static void checkFits(Quota q, long size) {
    if (q.storageLimit() != Quota.UNLIMITED && size > q.storageLimit()) {
      throw new NeverFits();
    }
    if (q.messagesUsed() + 1 > q.messageLimit()) {
      throw new QuotaExceededException(QuotaExceededException.Resource.MESSAGE,
          q.messageLimit(), q.messagesUsed());
    }
    if (q.storageLimit() != Quota.UNLIMITED && q.storageUsed() + size > q.storageLimit()) {
      throw new QuotaExceededException(QuotaExceededException.Resource.STORAGE,
          q.storageLimit(), q.storageUsed());
    }
  }

  /** The message is larger than a recipient's whole storage quota: it can never be delivered. */
  private static final class NeverFits extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeverFits() {
      super("message larger than the mailbox quota", null, false, false);
    }
  }

  private Mono<Void> delete(Path spool) {
    return Mono.fromRunnable(() -> {
      try {
        Files.deleteIfExists(spool);
      } catch (IOException e) {
        LOG.warn("cannot delete spool file {}: {}", spool, e.toString());
      }
    }).subscribeOn(io).then();
  }

  private static RecipientVerdict refusal(MailStoreException e) {
    return RecipientVerdict.refused(e.reason() == MailStoreException.Reason.NO_SUCH_USER
        ? SmtpReplies.UNKNOWN_USER : SmtpReplies.LOCAL_ERROR);
  }

  /** Maps a delivery failure to the reply (issue 5 item 4; PRODUCT.md's table). */
  static SmtpReply failure(Throwable e) {
    if (e instanceof NeverFits) {
      return SmtpReplies.OVER_QUOTA;
    }
    if (e instanceof MailStoreException m) {
      switch (m.reason()) {
        case TOO_BIG:
          return SmtpReplies.MESSAGE_TOO_BIG;
        case OVER_QUOTA:
          return SmtpReplies.MAILBOX_FULL;
        default:
          break;
      }
    }
    if (e instanceof ContentAborted) {
      return SmtpReplies.LOCAL_ERROR; // the session answers the client's failure itself
    }
    LOG.warn("local delivery failed: {}", e.toString());
    return SmtpReplies.LOCAL_ERROR;
  }
}

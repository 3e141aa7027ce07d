package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapLiteralChunk;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * APPEND (RFC 3501 section 6.3.11) with MULTIAPPEND (RFC 3502), UIDPLUS (RFC 4315) and
 * APPENDLIMIT (RFC 7889, enforced by the framer's literal limit). Small literals arrive inside the
 * command; a large one arrives as {@link ImapLiteralChunk}s that flow through a {@link ChunkPipe}
 * into the store while they are read, so a message is never held whole. The tagged {@code OK
 * [APPENDUID v uids]} goes out only after the store acknowledged every message durably. A
 * MULTIAPPEND is all or nothing (RFC 3502 section 3): the flags and dates of a frame's
 * messages are checked before any is stored, and when a later message fails, those already
 * stored by the command are flagged \Deleted and expunged again before the failure is answered.
 * A literal's bare LFs are stored as CRLF ({@link BareLineFeeds}); a literal8 is stored as sent.
 */
final class AppendCommand {
  private static final Logger LOG = LoggerFactory.getLogger(AppendCommand.class);

  private final ImapSession session;
  private Pending pending;

  /** The APPEND being received across its frames and chunks. */
  private static final class Pending {
    final String tag;
    MailboxInfo target;
    final List<Long> uids = new ArrayList<>();
    Throwable failure;
    ChunkPipe pipe;
    /** The streamed literal's line ends, made CRLF as they arrive; null for a literal8. */
    BareLineFeeds lineEnds;
    Mono<AppendResult> inFlight;
    Disposable running;

    Pending(String tag) {
      this.tag = tag;
    }
  }

  AppendCommand(ImapSession session) {
    this.session = session;
  }

  Mono<Void> append(ImapCommand.Append a) {
    Pending p = new Pending(a.tag());
    pending = p;
    List<ImapCommand.AppendMessage> messages = List.copyOf(a.messages());
    retain(messages);
    // Deferred: an invalid name fails like a missing mailbox, after which the messages are released.
    return Mono.defer(() -> session.server.store().mailbox(session.user, MailboxCommands.name(a.mailbox())))
        .doOnNext(info -> p.target = info)
        .then(Mono.defer(() -> messages(p, messages)))
        .onErrorResume(e -> {
          p.failure = p.failure == null ? e : p.failure;
          return Mono.empty();
        })
        .doFinally(s -> release(messages))
        .then(Mono.defer(() -> a.streaming() ? Mono.empty() : finish(p)));
  }

  Mono<Void> continuation(ImapCommand.AppendContinuation c) {
    Pending p = pending;
    if (p == null) {
      return session.tagged(c.tag(), ImapStatus.BAD, null, "No APPEND in progress");
    }
    List<ImapCommand.AppendMessage> messages = List.copyOf(c.messages());
    retain(messages);
    Mono<Void> streamed = p.inFlight == null ? Mono.empty()
        : p.inFlight.doOnNext(r -> p.uids.add(r.uid())).then()
            .onErrorResume(e -> {
              p.failure = p.failure == null ? e : p.failure;
              return Mono.empty();
            });
    return streamed
        .then(Mono.defer(() -> {
          p.inFlight = null;
          p.pipe = null;
          return p.failure == null && p.target != null ? messages(p, messages) : drainOnly(p, messages);
        }))
        .onErrorResume(e -> {
          p.failure = p.failure == null ? e : p.failure;
          return Mono.empty();
        })
        .doFinally(s -> release(messages))
        .then(Mono.defer(() -> c.streaming() ? Mono.empty() : finish(p)));
  }

  /** One chunk of the streamed literal. */
  Mono<Void> chunk(ImapLiteralChunk chunk) {
    Pending p = pending;
    if (p == null || p.pipe == null) {
      return Mono.empty(); // the APPEND already failed: the literal is read and dropped
    }
    Mono<Void> push = p.pipe.push(stored(chunk.content(), p.lineEnds));
    if (chunk.last()) {
      ChunkPipe pipe = p.pipe;
      return push.doFinally(s -> pipe.complete());
    }
    return push;
  }

  /** Stops a streamed append when the session ends. */
  void abort() {
    Pending p = pending;
    if (p != null) {
      if (p.pipe != null) {
        p.pipe.kill();
      }
      if (p.running != null) {
        p.running.dispose();
      }
    }
  }

  private Mono<Void> messages(Pending p, List<ImapCommand.AppendMessage> messages) {
    if (p.failure != null || p.target == null) {
      return drainOnly(p, messages);
    }
    for (ImapCommand.AppendMessage m : messages) {
      request(m); // a bad flag anywhere in the frame fails the command before anything is stored
    }
    return Flux.fromIterable(messages).concatMap(m -> {
      if (m.streamed()) {
        startStreamed(p, m);
        return Mono.empty();
      }
      ByteBuffer copy = stored(m.content(), m.binary() ? null : new BareLineFeeds());
      return session.server.store().append(p.target.id(), request(m), Flux.just(copy))
          .doOnNext(r -> p.uids.add(r.uid()));
    }, 0).then();
  }

  /**
   * A copy of {@code content} for the store, its bare LFs made CRLF unless {@code lineEnds} is
   * null (a literal8: binary, stored as sent).
   */
  private static ByteBuffer stored(ByteBuf content, BareLineFeeds lineEnds) {
    if (lineEnds != null) {
      return lineEnds.toCrlf(content);
    }
    ByteBuffer copy = ByteBuffer.allocate(content.readableBytes());
    content.getBytes(content.readerIndex(), copy);
    return copy.flip();
  }

  /** After a failure: nothing is stored, but a streamed literal must still be read. */
  private Mono<Void> drainOnly(Pending p, List<ImapCommand.AppendMessage> messages) {
    return Mono.empty();
  }

  private void startStreamed(Pending p, ImapCommand.AppendMessage m) {
    ChunkPipe pipe = new ChunkPipe();
    p.pipe = pipe;
    p.lineEnds = m.binary() ? null : new BareLineFeeds();
    // The store consumes the pipe while the session keeps reading chunks: the append has to run
    // alongside the serial command stream, so it is started here and joined at the continuation.
    Mono<AppendResult> result = session.server.store().append(p.target.id(), request(m), pipe.flux())
        .doOnError(e -> pipe.kill())
        .cache();
    p.inFlight = result;
    p.running = result.subscribe(r -> { }, e -> { });
  }

  /** Takes back the messages a failed MULTIAPPEND stored: \Deleted, then expunged. */
  private Mono<Void> rollback(MailboxInfo target, List<Long> uids) {
    MailStore store = session.server.store();
    UidSet set = UidSet.of(uids);
    return store.store(target.id(), set, FlagUpdate.add(Flags.of(SystemFlag.DELETED)))
        .then(store.expunge(target.id(), set))
        .then()
        .onErrorResume(e -> {
          LOG.warn("{}: could not take back a failed MULTIAPPEND ({})", session.context, uids, e);
          return Mono.empty();
        });
  }

  private static AppendRequest request(ImapCommand.AppendMessage m) {
    // the date-time as given, zone included: FETCH INTERNALDATE returns it unchanged
    OffsetDateTime date = m.internalDate() == null ? OffsetDateTime.now() : m.internalDate();
    return new AppendRequest(FlagNames.parse(m.flags()), date, m.size());
  }

  private Mono<Void> finish(Pending p) {
    pending = null;
    if (p.failure != null && !p.uids.isEmpty() && p.target != null) {
      List<Long> stored = List.copyOf(p.uids);
      p.uids.clear();
      return rollback(p.target, stored).then(Mono.defer(() -> finish(p)));
    }
    if (p.failure != null) {
      Throwable e = p.failure;
      // A \Noselect name holds no mailbox either, and CREATE makes one of it (RFC 3501 section
      // 6.3.11: TRYCREATE unless the mailbox certainly can not be created).
      if (e instanceof MailStoreException m && (m.reason() == MailStoreException.Reason.NO_SUCH_MAILBOX
          || m.reason() == MailStoreException.Reason.NOT_SELECTABLE)) {
        return session.tagged(p.tag, ImapStatus.NO, ResponseCode.TRYCREATE, "Mailbox does not exist");
      }
      return Failures.reply(session, p.tag, e);
    }
    ResponseCode code = p.uids.isEmpty() ? null : new ResponseCode("APPENDUID",
        p.target.uidValidity() + " " + MessageSets.compact(p.uids));
    return session.complete(p.tag, code, "APPEND completed");
  }

  private static void retain(List<ImapCommand.AppendMessage> messages) {
    for (ImapCommand.AppendMessage m : messages) {
      if (m.content() != null) {
        m.content().retain();
      }
    }
  }

  private static void release(List<ImapCommand.AppendMessage> messages) {
    for (ImapCommand.AppendMessage m : messages) {
      if (m.content() != null && m.content().refCnt() > 0) {
        m.content().release();
      }
    }
  }
}

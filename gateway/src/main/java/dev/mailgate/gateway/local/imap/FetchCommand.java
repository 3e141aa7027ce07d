package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.FetchItem;
import dev.mailgate.codec.imap.FetchItem.Attribute;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapDates;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.mime.HeaderFields;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * FETCH / UID FETCH (RFC 3501 section 6.4.5) of every data item: FLAGS, INTERNALDATE,
 * RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, BODY[section]&lt;partial&gt; (HEADER,
 * HEADER.FIELDS(.NOT), TEXT, MIME, part numbers) and BODY.PEEK, RFC822, RFC822.HEADER, RFC822.TEXT,
 * UID, MODSEQ with CHANGEDSINCE and VANISHED (RFC 7162 sections 3.1.4, 3.2.6), and BINARY /
 * BINARY.SIZE (RFC 3516, with BODY's section forms as Dovecot takes them, {@link BinarySections}).
 * Bodies stream from the store by byte range straight into literals, chunk by chunk, with the
 * socket's backpressure; only HEADER.FIELDS selections (bounded by the header size) are built in
 * memory. A body fetch without PEEK, BINARY's too, sets \Seen first and reports the new FLAGS
 * (RFC 3501 section 6.4.5, RFC 3516 section 4.2).
 */
final class FetchCommand {
  /** Header bytes read for one HEADER.FIELDS selection. */
  static final int MAX_HEADER_BYTES = 256 * 1024;

  private final ImapSession session;

  private final BinarySections binary;
  /**
   * Messages of the FETCH in progress that were expunged elsewhere between reading their metadata
   * and their content (the session runs one command at a time, so one counter serves).
   */
  private int goneMeanwhile;

  FetchCommand(ImapSession session) {
    this.session = session;
    this.binary = new BinarySections(session.server.store(), session.alloc);
  }

  Mono<Void> fetch(ImapCommand.Fetch c) {
    SelectedMailbox v = session.selected;
    for (FetchItem item : c.items()) {
      if (item instanceof FetchItem.Simple s && (s.attribute() == Attribute.SAVEDATE
              || s.attribute() == Attribute.EMAILID || s.attribute() == Attribute.THREADID)) {
        return session.tagged(c.tag(), ImapStatus.BAD, null, "Fetch item not supported");
      }
    }
    if (c.vanished() && (!c.uid() || !session.qresync || c.changedSince() < 0)) {
      return session.tagged(c.tag(), ImapStatus.BAD, null, "VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE");
    }
    List<FetchItem> items = distinct(c.items());
    boolean modSeq = c.changedSince() >= 0 || items.contains(new FetchItem.Simple(Attribute.MODSEQ));
    Mono<Void> enabled = modSeq ? session.enableCondStore() : Mono.empty();
    addIfMissing(items, Attribute.UID, c.uid());
    addIfMissing(items, Attribute.MODSEQ, c.changedSince() >= 0);
    boolean setsSeen = !v.readOnly && items.stream().anyMatch(FetchCommand::setsSeen);
    long[] uids = MessageSets.resolve(v, c.set(), c.uid());
    ExpungedFetch expunged = new ExpungedFetch(session, v, uids, items, c.changedSince());
    MailStore store = session.server.store();
    Mono<Void> vanished = c.vanished() ? vanished(v, c) : Mono.empty();
    int[] found = {0};
    goneMeanwhile = 0;
    Flux<MessageMeta> metas = Flux.fromIterable(MessageSets.chunks(uids))
        .concatMap(set -> store.messages(v.id, set), 1)
        .filter(m -> v.msn(m.uid()) > 0)
        .doOnNext(m -> found[0]++)
        .doOnNext(expunged::found)
        .filter(m -> m.modSeq() > c.changedSince());
    if (setsSeen && items.stream().anyMatch(i -> i instanceof FetchItem.Binary)) {
      metas = metas.concatMap(m -> checkBinary(v, m, items), 1);
    }
    Flux<Row> rows = setsSeen ? markSeen(v, metas) : metas.map(m -> new Row(m, false));
    if (items.stream().noneMatch(FetchCommand::readsMessage)) {
      // Answered from the metadata alone: built on the event loop that writes them, one hop for
      // the page rather than a wake-up of the loop for each message the store's thread hands over.
      rows = rows.publishOn(session.onLoop);
    }
    // One send for every message's response: a send per message waited for each to be written
    // before the next began, a flush and an event-loop round trip per message. The socket's
    // backpressure still applies (the send asks for more only as it writes).
    Flux<ByteBuf> responses = rows.concatMap(row -> message(v, row, items), 1);
    return enabled.then(vanished)
        .then(session.send(responses))
        .then(Mono.defer(() -> expunged.answer(found)))
        .then(Mono.defer(() -> expungedElsewhere(c, uids.length - found[0] + goneMeanwhile)
            ? session.complete(c.tag(), ImapStatus.NO, ResponseCode.EXPUNGEISSUED,
                "Some of the requested messages no longer exist", false)
            : session.complete(c.tag(), null, "FETCH completed", c.uid())));
  }

  /**
   * Whether a FETCH asked for messages another session has expunged, which this session still
   * numbers (their EXPUNGE may not be sent during a FETCH, RFC 3501 section 7.4.1) but whose data
   * is gone, unless {@link ExpungedFetch} could answer them from the session's view. RFC 2180
   * section 4.1.2: FETCH responses for the others and a tagged NO, with
   * EXPUNGEISSUED (RFC 5530) so the client knows a NOOP will explain (imaptest accepts it by the
   * "no longer exist" text). A UID FETCH may report the EXPUNGE itself and completes OK.
   */
  private static boolean expungedElsewhere(ImapCommand.Fetch c, int missing) {
    return !c.uid() && missing > 0;
  }

  private record Row(MessageMeta meta, boolean flagsChanged) {}

  /**
   * A BINARY fetch without PEEK checks every part's encoding before \Seen is set: a command that
   * fails with NO [UNKNOWN-CTE] must leave the flags as they were (RFC 3516 section 4.3).
   */
  private Mono<MessageMeta> checkBinary(SelectedMailbox v, MessageMeta m, List<FetchItem> items) {
    return session.server.store().structure(v.id, m.uid())
        .doOnNext(s -> BinarySections.check(m, s, items))
        .thenReturn(m)
        .onErrorResume(FetchCommand::gone, e -> {
          goneMeanwhile++; // expunged elsewhere before its response began: left out
          return Mono.empty();
        });
  }

  /**
   * The items once each, in the order first asked: a response names every data item once, as
   * Dovecot answers. A PEEK beside the same section without PEEK is that item (which sets \Seen).
   */
  static List<FetchItem> distinct(List<FetchItem> asked) {
    List<FetchItem> out = new ArrayList<>(asked.size());
    for (FetchItem item : asked) {
      FetchItem same = unpeeked(item);
      int at = -1;
      for (int i = 0; i < out.size() && at < 0; i++) {
        if (unpeeked(out.get(i)).equals(same)) {
          at = i;
        }
      }
      if (at < 0) {
        out.add(item);
      } else if (same.equals(item)) {
        out.set(at, item); // the one without PEEK wins
      }
    }
    return out;
  }

  private static FetchItem unpeeked(FetchItem item) {
    if (item instanceof FetchItem.BodySection b && b.peek()) {
      return new FetchItem.BodySection(b.section(), false, b.partial());
    }
    if (item instanceof FetchItem.Binary b && b.peek()) {
      return new FetchItem.Binary(b.section(), false, b.partial());
    }
    return item;
  }

  /** Adds an implied item: UID first, FLAGS after it, MODSEQ last. */
  private static void addIfMissing(List<FetchItem> items, Attribute a, boolean wanted) {
    FetchItem item = new FetchItem.Simple(a);
    if (!wanted || items.contains(item)) {
      return;
    }
    switch (a) {
      case UID -> items.add(0, item);
      case FLAGS -> items.add(items.contains(new FetchItem.Simple(Attribute.UID)) ? 1 : 0, item);
      default -> items.add(item);
    }
  }

  private static boolean setsSeen(FetchItem item) {
    if (item instanceof FetchItem.BodySection b) {
      return !b.peek();
    }
    if (item instanceof FetchItem.Binary b) {
      return !b.peek();
    }
    return item instanceof FetchItem.Simple s
        && (s.attribute() == Attribute.RFC822 || s.attribute() == Attribute.RFC822_TEXT);
  }

  /** Sets \Seen on the unseen messages before their bodies go out. */
  private Flux<Row> markSeen(SelectedMailbox v, Flux<MessageMeta> metas) {
    return metas.collectList().flatMapMany(list -> {
      List<Long> unseen = new ArrayList<>();
      for (MessageMeta m : list) {
        if (!m.flags().has(SystemFlag.SEEN)) {
          unseen.add(m.uid());
        }
      }
      if (unseen.isEmpty()) {
        return Flux.fromIterable(list).map(m -> new Row(m, false));
      }
      long[] arr = unseen.stream().mapToLong(Long::longValue).toArray();
      return Flux.fromIterable(MessageSets.chunks(arr))
          .concatMap(set -> session.server.store().store(v.id, set, FlagUpdate.add(Flags.of(SystemFlag.SEEN))))
          .collectList()
          .flatMapMany(results -> {
            Set<Long> changed = new HashSet<>();
            List<MessageMeta> updated = new ArrayList<>(list.size());
            java.util.Map<Long, dev.mailgate.mailbox.store.StoreResult.MessageFlags> byUid = new java.util.HashMap<>();
            for (var r : results) {
              for (var f : r.updated()) {
                byUid.put(f.uid(), f);
                v.update(f.uid(), f.flags(), f.modSeq());
                changed.add(f.uid());
              }
            }
            for (MessageMeta m : list) {
              var f = byUid.get(m.uid());
              updated.add(f == null ? m
                  : new MessageMeta(m.uid(), f.modSeq(), f.flags(), m.size(), m.internalDate(), m.sentDate()));
            }
            return Flux.fromIterable(updated).map(m -> new Row(m, changed.contains(m.uid())));
          });
    });
  }

  private Mono<Void> vanished(SelectedMailbox v, ImapCommand.Fetch c) {
    long max = Math.max(v.maxUid(), 1);
    return session.server.store().vanishedSince(v.id, c.changedSince())
        .filter(uid -> c.set().contains(uid, max))
        .sort()
        .collectList()
        .flatMap(list -> list.isEmpty() ? Mono.empty() : session.send(List.of(ChangeReporter.line(
            session.alloc, "* VANISHED (EARLIER) " + MessageSets.compact(list)))));
  }

  /**
   * What is read of a message before its FETCH response begins: its structure (null when no item
   * needs it) and the decoded sizes its BINARY items need ({@link BinarySections#sizes}).
   */
  private record Read(MessageStructure structure, Map<FetchItem.Section, Long> binarySizes) {}

  /** The FETCH response of one message, as a stream of buffers. */
  private Flux<ByteBuf> message(SelectedMailbox v, Row row, List<FetchItem> requested) {
    MessageMeta m = row.meta();
    int msn = v.msn(m.uid());
    if (msn == 0) {
      return Flux.empty();
    }
    List<FetchItem> items = new ArrayList<>(requested);
    if (row.flagsChanged() || learn(v, m)) {
      addIfMissing(items, Attribute.FLAGS, true);
    }
    boolean needsStructure = items.stream().anyMatch(FetchCommand::needsStructure);
    Mono<MessageStructure> structure = needsStructure
        ? session.server.store().structure(v.id, m.uid()).cache() : Mono.empty();
    return structure.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
        .flatMap(s -> {
          if (s.isEmpty()) {
            return Mono.just(new Read(null, Map.<FetchItem.Section, Long>of()));
          }
          BinarySections.check(m, s.get(), items);
          return binary.sizes(v.id, m, s.get(), items).map(sizes -> new Read(s.get(), sizes));
        })
        .onErrorResume(FetchCommand::gone, e -> {
          goneMeanwhile++; // expunged before its response began: answered like a missing one
          return Mono.empty();
        })
        .flatMapMany(read -> {
          List<Flux<ByteBuf>> parts = new ArrayList<>();
          if (items.contains(new FetchItem.Simple(Attribute.FLAGS))) {
            // the store's flags may hold a keyword the client has not been told of yet
            List<ByteBuf> flagsLine = new ArrayList<>(1);
            KeywordAnnouncer.ensure(session.alloc, v, m.flags(), flagsLine);
            parts.add(Flux.fromIterable(flagsLine));
          }
          // Every part allocates its buffers only when its turn comes: a part built up front and
          // never reached (an earlier item failed, the client went away) would never be released.
          parts.add(Flux.defer(() -> Flux.just(ascii("* " + msn + " FETCH ("))));
          for (int i = 0; i < items.size(); i++) {
            String sep = i == 0 ? "" : " ";
            FetchItem item = items.get(i);
            parts.add(Flux.defer(() -> item(v, m, read, item, sep)));
          }
          parts.add(Flux.defer(() -> Flux.just(ascii(")\r\n"))));
          // "* n FETCH (" is out once any item fails: no reply can follow it honestly
          return Flux.concat(parts)
              .onErrorMap(e -> !(e instanceof ResponseCutShort), ResponseCutShort::new);
        });
  }

  /**
   * Records in the view a message state newer than the view knew (another session's change whose
   * event is still queued): the MODSEQ this FETCH reports must not be followed by that older event's
   * lower one (RFC 7162 section 3.1: a message's mod-sequence only grows), and the flags that go
   * with it are then sent in this response, since the queued event will say nothing. True if the
   * flags changed.
   */
  private static boolean learn(SelectedMailbox v, MessageMeta m) {
    int msn = v.msn(m.uid());
    if (msn == 0 || m.modSeq() <= v.modSeq(msn)) {
      return false;
    }
    return v.update(m.uid(), m.flags(), m.modSeq());
  }

  /** Whether answering the item reads the stored message (its structure or its bytes). */
  private static boolean readsMessage(FetchItem item) {
    return needsStructure(item) || item instanceof FetchItem.BodySection
        || item instanceof FetchItem.Simple s && s.attribute() == Attribute.RFC822;
  }

  private static boolean needsStructure(FetchItem item) {
    if (item instanceof FetchItem.Binary || item instanceof FetchItem.BinarySize) {
      return true;
    }
    if (item instanceof FetchItem.BodySection b) {
      return !(b.section().part().isEmpty() && b.section().text() == SectionText.NONE);
    }
    return item instanceof FetchItem.Simple s && (s.attribute() == Attribute.ENVELOPE
        || s.attribute() == Attribute.BODY || s.attribute() == Attribute.BODYSTRUCTURE
        || s.attribute() == Attribute.RFC822_HEADER || s.attribute() == Attribute.RFC822_TEXT);
  }

  private Flux<ByteBuf> item(SelectedMailbox v, MessageMeta m, Read read, FetchItem item, String sep) {
    MessageStructure s = read.structure();
    if (item instanceof FetchItem.BodySection b) {
      return section(v, m, s, b, sep);
    }
    if (item instanceof FetchItem.Binary b) {
      BinarySections.Literal l = binary.content(v.id, m, s, b, sep, read.binarySizes());
      return literal(l.name(), "~{", l.length(), l.body());
    }
    if (item instanceof FetchItem.BinarySize b) {
      return Flux.just(binary.size(b, sep, read.binarySizes()));
    }
    Attribute a = ((FetchItem.Simple) item).attribute();
    ImapResponseWriter w = session.writer().text(sep);
    switch (a) {
      case FLAGS -> w.atom("FLAGS").sp().text(FlagNames.list(m.flags(), v.isRecent(m.uid())));
      case UID -> w.atom("UID").sp().number(m.uid());
      case RFC822_SIZE -> w.atom("RFC822.SIZE").sp().number(m.size());
      case INTERNALDATE -> w.atom("INTERNALDATE").sp().text("\"" + ImapDates.formatDateTime(
          m.internalDate()) + "\"");
      case MODSEQ -> w.atom("MODSEQ").sp().text("(" + m.modSeq() + ")");
      case ENVELOPE -> {
        w.atom("ENVELOPE").sp();
        StructureWriter.envelope(w, s.envelope());
      }
      case BODY -> {
        w.atom("BODY").sp();
        StructureWriter.body(w, s.root(), false);
      }
      case BODYSTRUCTURE -> {
        w.atom("BODYSTRUCTURE").sp();
        StructureWriter.body(w, s.root(), true);
      }
      case RFC822 -> {
        w.discard();
        return stream(v, m, sep + "RFC822", new ByteRange(0, m.size()), m.size());
      }
      case RFC822_HEADER -> {
        w.discard();
        ByteRange r = s.header();
        return stream(v, m, sep + "RFC822.HEADER", r, m.size());
      }
      case RFC822_TEXT -> {
        w.discard();
        ByteRange r = s.text();
        return stream(v, m, sep + "RFC822.TEXT", r, m.size());
      }
      default -> throw new IllegalArgumentException("Fetch item not supported");
    }
    return Flux.just(w.build());
  }

  private Flux<ByteBuf> section(SelectedMailbox v, MessageMeta m, MessageStructure s,
      FetchItem.BodySection b, String sep) {
    String name = sep + BodySections.name(b);
    java.util.Optional<ByteRange> range = s == null
        ? java.util.Optional.of(new ByteRange(0, m.size())) : BodySections.range(s, b.section());
    if (range.isEmpty()) {
      return Flux.just(ascii(name + " {0}\r\n"));
    }
    SectionText text = b.section().text();
    if (text == SectionText.HEADER_FIELDS || text == SectionText.HEADER_FIELDS_NOT) {
      ByteRange r = range.get();
      ByteRange capped = new ByteRange(r.offset(), Math.min(r.length(), MAX_HEADER_BYTES));
      return session.server.store().content(v.id, m.uid(), capped)
          .reduce(new ByteArrayOutputStream(), (out, buf) -> {
            byte[] a = new byte[buf.remaining()];
            buf.get(a);
            out.writeBytes(a);
            return out;
          })
          .map(out -> HeaderFields.select(out.toByteArray(),
                new HashSet<>(b.section().headerFields()), text == SectionText.HEADER_FIELDS_NOT))
          .flatMapMany(selected -> {
            byte[] window = NulOctets.replaced(window(selected, b.partial()));
            ByteBuf head = ascii(name + " {" + window.length + "}\r\n");
            return Flux.just(head, Unpooled.wrappedBuffer(window));
          })
          .onErrorResume(FetchCommand::gone, e -> nil(name));
    }
    return stream(v, m, name, BodySections.partial(range.get(), b.partial()), m.size());
  }

  private static byte[] window(byte[] all, FetchItem.Partial p) {
    if (p == null) {
      return all;
    }
    int start = (int) Math.min(all.length, p.offset());
    int end = (int) Math.min(all.length, start + Math.min(p.length(), Integer.MAX_VALUE));
    return java.util.Arrays.copyOfRange(all, start, end);
  }

  /**
   * {@code name {n}CRLF} followed by the n bytes streamed from the store, a NUL among them sent as
   * 0x80 ({@link NulOctets}: a plain literal may not carry one).
   */
  private Flux<ByteBuf> stream(SelectedMailbox v, MessageMeta m, String name, ByteRange r, long size) {
    long start = Math.min(r.offset(), size);
    long length = Math.max(0, Math.min(r.length(), size - start));
    Flux<ByteBuf> body = length == 0 ? Flux.empty()
        : session.server.store().content(v.id, m.uid(), new ByteRange(start, length))
            .map(NulOctets::replaced)
            .map(Unpooled::wrappedBuffer);
    return literal(name, "{", length, body);
  }

  /**
   * {@code name {n}CRLF} (or {@code ~{n}} for a literal8, RFC 3516) followed by the n bytes of
   * {@code body}. The length goes out only once the first bytes are read: a message expunged by
   * another session in between is answered {@code name NIL} instead of a literal cut short.
   */
  private Flux<ByteBuf> literal(String name, String open, long length, Flux<ByteBuf> body) {
    if (length == 0) {
      return Flux.just(ascii(name + " " + open + "0}\r\n"));
    }
    long[] sent = new long[1];
    Flux<ByteBuf> counted = body
        .doOnNext(buf -> sent[0] += buf.readableBytes())
        .concatWith(Mono.defer(() -> sent[0] == length ? Mono.empty()
            : Mono.error(new IllegalStateException("stored message shorter than its index says"))));
    return counted.switchOnFirst((first, all) -> first.isOnError() && gone(first.getThrowable())
        ? nil(name)
        : Flux.concat(Mono.fromSupplier(() -> ascii(name + " " + open + length + "}\r\n")), all));
  }

  /**
   * {@code name NIL}: the item of a message another session expunged while this FETCH read it.
   * RFC 2180 section 4.1.4 lets a server answer the data of an expunged message with NIL (the
   * response stays well formed); section 4.1.3 the tagged NO a FETCH by sequence number then gets.
   */
  private Flux<ByteBuf> nil(String name) {
    goneMeanwhile++;
    return Flux.just(ascii(name + " NIL"));
  }

  /** Whether a store failure says the message is gone (expunged by another session meanwhile). */
  private static boolean gone(Throwable e) {
    return e instanceof MailStoreException m && m.reason() == MailStoreException.Reason.NO_SUCH_MESSAGE;
  }

  private ByteBuf ascii(String s) {
    ByteBuf b = session.alloc.buffer(s.length());
    ByteBufUtil.writeUtf8(b, s);
    return b;
  }

  static UidSet all() {
    return UidSet.all();
  }
}

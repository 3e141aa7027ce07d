package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.FetchItem;
import dev.mailgate.codec.imap.FetchItem.Section;
import dev.mailgate.codec.imap.FetchItem.SectionText;
import dev.mailgate.mailbox.mime.BodyPart;
import dev.mailgate.mailbox.mime.HeaderFields;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.search.TransferDecoder;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * FETCH BINARY[part]&lt;partial&gt;, BINARY.PEEK and BINARY.SIZE (RFC 3516 section 4.2): a part's
 * content with its Content-Transfer-Encoding undone. The decoded length must precede the data (a
 * {@code ~{n}} literal8), so an encoded part is read twice, once to count ({@link #sizes}, before
 * the message's response begins) and once to send, and is never held whole. A part that does not
 * exist is empty; an encoding we cannot undo fails the command with {@code NO [UNKNOWN-CTE]}.
 *
 * <p>The section-text forms Dovecot accepts beyond RFC 3516 (HEADER, HEADER.FIELDS[.NOT], MIME,
 * TEXT, see {@link FetchItem.Binary}) are the octets BODY[section] gives, undecoded: a header or
 * a multipart's text has no single encoding to undo. HEADER.FIELDS reads at most
 * {@link FetchCommand#MAX_HEADER_BYTES} of the header, as BODY's does.
 */
final class BinarySections {
  /** A Content-Transfer-Encoding that BINARY cannot decode (RFC 3516 section 4.3). */
  static final class UnknownCte extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownCte(String encoding) {
      super("Unknown Content-Transfer-Encoding " + encoding, null, false, false);
    }
  }

  private final MailStore store;
  private final ByteBufAllocator alloc;

  BinarySections(MailStore store, ByteBufAllocator alloc) {
    this.store = store;
    this.alloc = alloc;
  }

  /**
   * What a BINARY section addresses: its raw range and encoding, or nothing; {@code fields} is the
   * HEADER.FIELDS[.NOT] section whose lines are picked from the range, else null.
   */
  private record Target(ByteRange range, String encoding, Section fields) {
    boolean identity() {
      return fields == null && !encoding.equals("base64") && !encoding.equals("quoted-printable");
    }
  }

  private static Optional<Target> target(MessageMeta m, MessageStructure s, Section section) {
    if (section.text() != SectionText.NONE) {
      return BodySections.range(s, section).map(r -> switch (section.text()) {
        case HEADER_FIELDS, HEADER_FIELDS_NOT -> new Target(
            new ByteRange(r.offset(), Math.min(r.length(), FetchCommand.MAX_HEADER_BYTES)), "binary", section);
        default -> new Target(r, "binary", null);
      });
    }
    List<Integer> part = section.part();
    if (part.isEmpty()) {
      return Optional.of(new Target(new ByteRange(0, m.size()), "binary", null));
    }
    Optional<BodyPart> p = s.part(part.stream().mapToInt(Integer::intValue).toArray());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    BodyPart b = p.get();
    String encoding = b.isMultipart() || b.isMessage() ? "binary"
        : b.encoding() == null ? "7bit" : b.encoding().toLowerCase(Locale.ROOT);
    if (!TransferDecoder.known(encoding)) {
      throw new UnknownCte(encoding);
    }
    return Optional.of(new Target(MessageStructure.content(b), encoding, null));
  }

  /** Fails before any byte of the response when a requested part's encoding is unknown. */
  static void check(MessageMeta m, MessageStructure s, List<FetchItem> items) {
    for (FetchItem item : items) {
      if (item instanceof FetchItem.Binary b) {
        target(m, s, b.section());
      } else if (item instanceof FetchItem.BinarySize b) {
        target(m, s, b.section());
      }
    }
  }

  /**
   * The decoded size of every section the BINARY and BINARY.SIZE items name, keyed by section;
   * read before the message's response begins, so a message expunged by another session meanwhile
   * can still be left out whole (a size has no NIL form, RFC 3516 section 4.2) and a BINARY
   * literal8 knows its length. Each section is counted once however many items name it.
   */
  Mono<Map<Section, Long>> sizes(MailboxId box, MessageMeta m, MessageStructure s,
      List<FetchItem> items) {
    Set<Section> parts = new LinkedHashSet<>();
    for (FetchItem item : items) {
      if (item instanceof FetchItem.Binary b) {
        parts.add(b.section());
      } else if (item instanceof FetchItem.BinarySize b) {
        parts.add(b.section());
      }
    }
    if (parts.isEmpty()) {
      return Mono.just(Map.of());
    }
    return Flux.fromIterable(parts)
        .concatMap(p -> decodedSize(box, m, target(m, s, p)).map(n -> Map.entry(p, n)), 1)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  /** {@code BINARY.SIZE[section] n}, n from {@link #sizes}. */
  ByteBuf size(FetchItem.BinarySize item, String sep, Map<Section, Long> sizes) {
    return ascii(sep + "BINARY.SIZE[" + BodySections.spec(item.section()) + "] "
        + sizes.get(item.section()));
  }

  /**
   * A BINARY item's literal8 ({@code BINARY[part]<offset> ~{n}}): its name, its length and its
   * decoded bytes, still to be read from the store; n from {@link #sizes}.
   */
  record Literal(String name, long length, Flux<ByteBuf> body) {}

  /** The literal8 of {@code BINARY[section]<partial>}. */
  Literal content(MailboxId box, MessageMeta m, MessageStructure s, FetchItem.Binary item,
      String sep, Map<Section, Long> sizes) {
    FetchItem.Partial p = item.partial();
    String name = sep + "BINARY[" + BodySections.spec(item.section()) + "]"
        + (p == null ? "" : "<" + p.offset() + ">");
    long size = sizes.get(item.section());
    long start = p == null ? 0 : Math.min(p.offset(), size);
    long length = p == null ? size : Math.min(p.length(), size - start);
    Optional<Target> t = target(m, s, item.section());
    Flux<ByteBuf> body = length == 0 || t.isEmpty() ? Flux.empty()
        : window(decoded(box, m, t.get()), start, length);
    return new Literal(name, length, body);
  }

  private Mono<Long> decodedSize(MailboxId box, MessageMeta m, Optional<Target> t) {
    if (t.isEmpty()) {
      return Mono.just(0L);
    }
    if (t.get().identity()) {
      return Mono.just(t.get().range().length());
    }
    return decoded(box, m, t.get()).reduce(0L, (n, b) -> n + b.remaining());
  }

  private Flux<ByteBuffer> decoded(MailboxId box, MessageMeta m, Target t) {
    Flux<ByteBuffer> raw = store.content(box, m.uid(), t.range());
    if (t.identity()) {
      return raw;
    }
    if (t.fields() != null) {
      return selected(raw, t.fields());
    }
    TransferDecoder decoder = TransferDecoder.of(t.encoding());
    return raw.map(decoder::decode).filter(ByteBuffer::hasRemaining);
  }

  /** The header lines HEADER.FIELDS[.NOT] picks from a header read whole (its length is capped). */
  private static Flux<ByteBuffer> selected(Flux<ByteBuffer> header, Section fields) {
    return header.reduce(new ByteArrayOutputStream(), (out, buf) -> {
      byte[] a = new byte[buf.remaining()];
      buf.duplicate().get(a);
      out.writeBytes(a);
      return out;
    }).map(out -> ByteBuffer.wrap(HeaderFields.select(out.toByteArray(),
        new HashSet<>(fields.headerFields()), fields.text() == SectionText.HEADER_FIELDS_NOT)))
        .flux();
  }

  /** The bytes from {@code start} for {@code length} of a stream of buffers. */
  private static Flux<ByteBuf> window(Flux<ByteBuffer> in, long start, long length) {
    long end = start + length;
    long[] pos = new long[1];
    return in.<ByteBuf>handle((b, sink) -> {
      long from = pos[0];
      long to = from + b.remaining();
      pos[0] = to;
      long lo = Math.max(from, start);
      long hi = Math.min(to, end);
      if (lo < hi) {
        ByteBuffer slice = b.duplicate();
        slice.position(b.position() + (int) (lo - from));
        slice.limit(b.position() + (int) (hi - from));
        sink.next(Unpooled.wrappedBuffer(slice));
      }
    }).takeUntil(x -> pos[0] >= end);
  }

  private ByteBuf ascii(String s) {
    ByteBuf b = alloc.buffer(s.length());
    ByteBufUtil.writeAscii(b, s);
    return b;
  }
}

package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.FetchItem;
import dev.mailgate.mailbox.mime.BodyPart;
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
import java.nio.ByteBuffer;
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

  /** What a BINARY section addresses: its raw range and encoding, or nothing. */
  private record Target(ByteRange range, String encoding) {
    boolean identity() {
      return !encoding.equals("base64") && !encoding.equals("quoted-printable");
    }
  }

  private static Optional<Target> target(MessageMeta m, MessageStructure s, List<Integer> part) {
    if (part.isEmpty()) {
      return Optional.of(new Target(new ByteRange(0, m.size()), "binary"));
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
    return Optional.of(new Target(MessageStructure.content(b), encoding));
  }

  /** Fails before any byte of the response when a requested part's encoding is unknown. */
  static void check(MessageMeta m, MessageStructure s, List<FetchItem> items) {
    for (FetchItem item : items) {
      if (item instanceof FetchItem.Binary b) {
        target(m, s, b.part());
      } else if (item instanceof FetchItem.BinarySize b) {
        target(m, s, b.part());
      }
    }
  }

  /**
   * The decoded size of every part the BINARY and BINARY.SIZE items name, keyed by part number;
   * read before the message's response begins, so a message expunged by another session meanwhile
   * can still be left out whole (a size has no NIL form, RFC 3516 section 4.2) and a BINARY
   * literal8 knows its length. Each part is counted once however many items name it.
   */
  Mono<Map<List<Integer>, Long>> sizes(MailboxId box, MessageMeta m, MessageStructure s,
      List<FetchItem> items) {
    Set<List<Integer>> parts = new LinkedHashSet<>();
    for (FetchItem item : items) {
      if (item instanceof FetchItem.Binary b) {
        parts.add(b.part());
      } else if (item instanceof FetchItem.BinarySize b) {
        parts.add(b.part());
      }
    }
    if (parts.isEmpty()) {
      return Mono.just(Map.of());
    }
    return Flux.fromIterable(parts)
        .concatMap(p -> decodedSize(box, m, target(m, s, p)).map(n -> Map.entry(p, n)), 1)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue);
  }

  /** {@code BINARY.SIZE[part] n}, n from {@link #sizes}. */
  ByteBuf size(FetchItem.BinarySize item, String sep, Map<List<Integer>, Long> sizes) {
    return ascii(sep + "BINARY.SIZE[" + spec(item.part()) + "] " + sizes.get(item.part()));
  }

  /**
   * A BINARY item's literal8 ({@code BINARY[part]<offset> ~{n}}): its name, its length and its
   * decoded bytes, still to be read from the store; n from {@link #sizes}.
   */
  record Literal(String name, long length, Flux<ByteBuf> body) {}

  /** The literal8 of {@code BINARY[part]<partial>}. */
  Literal content(MailboxId box, MessageMeta m, MessageStructure s, FetchItem.Binary item,
      String sep, Map<List<Integer>, Long> sizes) {
    FetchItem.Partial p = item.partial();
    String name = sep + "BINARY[" + spec(item.part()) + "]" + (p == null ? "" : "<" + p.offset() + ">");
    long size = sizes.get(item.part());
    long start = p == null ? 0 : Math.min(p.offset(), size);
    long length = p == null ? size : Math.min(p.length(), size - start);
    Optional<Target> t = target(m, s, item.part());
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
    TransferDecoder decoder = TransferDecoder.of(t.encoding());
    return raw.map(decoder::decode).filter(ByteBuffer::hasRemaining);
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

  private static String spec(List<Integer> part) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < part.size(); i++) {
      sb.append(i == 0 ? "" : ".").append(part.get(i));
    }
    return sb.toString();
  }

  private ByteBuf ascii(String s) {
    ByteBuf b = alloc.buffer(s.length());
    ByteBufUtil.writeAscii(b, s);
    return b;
  }
}

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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * FETCH BINARY[part]&lt;partial&gt;, BINARY.PEEK and BINARY.SIZE (RFC 3516 section 4.2): a part's
 * content with its Content-Transfer-Encoding undone. The decoded length must precede the data (a
 * {@code ~{n}} literal8), so an encoded part is read twice, once to count and once to send, and is
 * never held whole. A part that does not exist is empty; an encoding we cannot undo fails the
 * command with {@code NO [UNKNOWN-CTE]}.
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

  /** {@code BINARY.SIZE[part] n}. */
  Flux<ByteBuf> size(MailboxId box, MessageMeta m, MessageStructure s, FetchItem.BinarySize item, String sep) {
    String name = sep + "BINARY.SIZE[" + spec(item.part()) + "] ";
    return decodedSize(box, m, target(m, s, item.part()))
        .map(n -> ascii(name + n)).flux();
  }

  /** {@code BINARY[part]<offset> ~{n}} and the n decoded bytes. */
  Flux<ByteBuf> content(MailboxId box, MessageMeta m, MessageStructure s, FetchItem.Binary item, String sep) {
    FetchItem.Partial p = item.partial();
    String name = sep + "BINARY[" + spec(item.part()) + "]" + (p == null ? "" : "<" + p.offset() + ">");
    Optional<Target> t = target(m, s, item.part());
    return decodedSize(box, m, t).flatMapMany(size -> {
      long start = p == null ? 0 : Math.min(p.offset(), size);
      long length = p == null ? size : Math.min(p.length(), size - start);
      ByteBuf head = ascii(name + " ~{" + length + "}\r\n");
      if (length == 0) {
        return Flux.just(head);
      }
      return Flux.concat(Flux.just(head), window(decoded(box, m, t.get()), start, length));
    });
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

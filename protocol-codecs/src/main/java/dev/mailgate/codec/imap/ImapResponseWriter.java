package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Builds untagged data responses (RFC 9051 section 7: FETCH, LIST, STATUS, SEARCH...) token by
 * token. {@link #string} chooses between a quoted string and a literal by content (a literal when
 * the value has CR or LF, 8-bit octets without UTF8=ACCEPT, or is longer than {@value
 * #MAX_QUOTED}; a NUL becomes U+FFFD); {@link #literal} adds message bytes as a component of a
 * composite buffer, so a FETCH body is sent zero-copy. Not reusable: call {@link #build()} once.
 *
 * <pre>{@code
 * ByteBuf r = new ImapResponseWriter(alloc, false)
 *     .untagged().number(12).sp().atom("FETCH").sp().open()
 *     .atom("UID").sp().number(4827313).sp().atom("BODY[]").sp().literal(body.retain(), false)
 *     .close().crlf().build();
 * }</pre>
 */
public final class ImapResponseWriter {
  /** Longest value written as a quoted string. */
  public static final int MAX_QUOTED = 1024;

  private final ByteBufAllocator alloc;
  private final boolean utf8;
  private CompositeByteBuf composite;
  private ByteBuf current;

  public ImapResponseWriter(ByteBufAllocator alloc, boolean utf8Accepted) {
    this.alloc = alloc;
    this.utf8 = utf8Accepted;
    this.current = alloc.buffer(128);
  }

  public ImapResponseWriter untagged() {
    current.writeByte('*').writeByte(' ');
    return this;
  }

  /** An atom (or any token of atom characters, e.g. {@code BODY[HEADER]}); validated. */
  public ImapResponseWriter atom(String atom) {
    for (int i = 0; i < atom.length(); i++) {
      char c = atom.charAt(i);
      if (c > 0x7e || c < 0x21) {
        throw new IllegalArgumentException("bad atom");
      }
    }
    ByteBufUtil.writeAscii(current, atom);
    return this;
  }

  /** Text to the end of the line (no CR/LF). */
  public ImapResponseWriter text(String text) {
    ImapResponseEncoder.checkText(text);
    ByteBufUtil.writeUtf8(current, text);
    return this;
  }

  public ImapResponseWriter number(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative number");
    }
    ByteBufUtil.writeAscii(current, Long.toString(n));
    return this;
  }

  public ImapResponseWriter sp() {
    current.writeByte(' ');
    return this;
  }

  public ImapResponseWriter open() {
    current.writeByte('(');
    return this;
  }

  public ImapResponseWriter close() {
    current.writeByte(')');
    return this;
  }

  public ImapResponseWriter nil() {
    ByteBufUtil.writeAscii(current, "NIL");
    return this;
  }

  /**
   * A string, quoted or as a literal, whichever its content allows. A NUL fits in neither (CHAR8
   * and TEXT-CHAR exclude it, RFC 3501 section 9) and is written as U+FFFD, as Dovecot writes a
   * header value holding one.
   */
  public ImapResponseWriter string(String value) {
    if (value.indexOf('\u0000') >= 0) {
      value = value.replace('\u0000', '\ufffd');
    }
    if (quotable(value)) {
      String escaped = value.indexOf('"') < 0 && value.indexOf('\\') < 0
          ? value : value.replace("\\", "\\\\").replace("\"", "\\\"");
      current.writeByte('"');
      ByteBufUtil.writeUtf8(current, escaped);
      current.writeByte('"');
      return this;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    literalHeader(bytes.length, false);
    current.writeBytes(bytes);
    return this;
  }

  /** nstring: NIL for null. */
  public ImapResponseWriter nstring(String value) {
    return value == null ? nil() : string(value);
  }

  /** A mailbox name: modified UTF-7 unless UTF8=ACCEPT, always as a string. */
  public ImapResponseWriter mailbox(String name) {
    return string(utf8 ? name : ModifiedUtf7.encode(name));
  }

  /**
   * A literal ({@code {n}} or, for {@code binary}, {@code ~{n}}) whose bytes are {@code content};
   * takes ownership of {@code content} (retain it first to keep it).
   */
  public ImapResponseWriter literal(ByteBuf content, boolean binary) {
    literalHeader(content.readableBytes(), binary);
    if (composite == null) {
      composite = alloc.compositeBuffer(16);
    }
    composite.addComponent(true, current);
    composite.addComponent(true, content);
    current = alloc.buffer(64);
    return this;
  }

  public ImapResponseWriter crlf() {
    current.writeByte('\r').writeByte('\n');
    return this;
  }

  /** The response bytes; the writer must not be used afterwards. */
  public ByteBuf build() {
    if (composite == null) {
      return current;
    }
    if (current.isReadable()) {
      composite.addComponent(true, current);
    } else {
      current.release();
    }
    current = null;
    return composite;
  }

  /** Releases what was written when the response is abandoned. */
  public void discard() {
    if (current != null) {
      current.release();
    }
    if (composite != null) {
      composite.release();
    }
  }

  private void literalHeader(int length, boolean binary) {
    if (binary) {
      current.writeByte('~');
    }
    current.writeByte('{');
    ByteBufUtil.writeAscii(current, Integer.toString(length));
    current.writeByte('}').writeByte('\r').writeByte('\n');
  }

  private boolean quotable(String value) {
    if (value.length() > MAX_QUOTED) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || (c >= 0x80 && !utf8)) {
        return false;
      }
    }
    return true;
  }
}

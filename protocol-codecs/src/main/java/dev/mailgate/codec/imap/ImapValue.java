package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A generic value of response data (RFC 9051 section 9 {@code body}, {@code envelope}, list
 * items...): atom, number, string, NIL or parenthesised list. String bytes are slices of the
 * response frame: valid while the owning {@link ImapResponse.Data} is not released.
 */
public sealed interface ImapValue {
  /** An atom, also section atoms such as {@code BODY[HEADER.FIELDS (DATE)]<0>} and flags. */
  record Atom(String value) implements ImapValue {}

  record Num(long value) implements ImapValue {}

  /** A quoted string or literal; {@code literal} tells which; {@code bytes} is not retained. */
  record Str(ByteBuf bytes, boolean literal) implements ImapValue {
    public String asString() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Str s && s.literal == literal && s.bytes.equals(bytes);
    }

    @Override
    public int hashCode() {
      return bytes.hashCode();
    }

    @Override
    public String toString() {
      return (literal ? "{" + bytes.readableBytes() + "}" : "") + '"' + asString() + '"';
    }
  }

  record Nil() implements ImapValue {}

  record ListValue(List<ImapValue> items) implements ImapValue {
    public ListValue {
      items = List.copyOf(items);
    }
  }

  /** The value as text: atom, number, or string contents; null for NIL and lists. */
  static String text(ImapValue v) {
    if (v instanceof Atom a) {
      return a.value();
    }
    if (v instanceof Num n) {
      return Long.toString(n.value());
    }
    if (v instanceof Str s) {
      return s.asString();
    }
    return null;
  }
}

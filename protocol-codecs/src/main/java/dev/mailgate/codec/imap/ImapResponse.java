package dev.mailgate.codec.imap;

import io.netty.util.ReferenceCounted;
import java.util.List;
import java.util.Set;

/**
 * A parsed server response for the backend leg (RFC 9051 section 7). Only {@link Data} holds
 * buffers (literal slices) and must be released.
 */
public sealed interface ImapResponse {
  /** {@code tag OK/NO/BAD [code] text}. */
  record Tagged(String tag, ImapStatus status, ResponseCode code, String text) implements ImapResponse {}

  /** {@code * OK/NO/BAD/PREAUTH/BYE [code] text}, including the greeting. */
  record Untagged(ImapStatus status, ResponseCode code, String text) implements ImapResponse {}

  /** {@code + text}: a continuation request (the text may be a base64 SASL challenge). */
  record Continuation(String text) implements ImapResponse {}

  /** {@code * CAPABILITY ...}: the capability names, upper case, in order. */
  record Capability(List<String> capabilities) implements ImapResponse {
    public Capability {
      capabilities = List.copyOf(capabilities);
    }

    public Set<String> asSet() {
      return Set.copyOf(capabilities);
    }
  }

  /** {@code * n EXISTS}, {@code * n RECENT}, {@code * n EXPUNGE} ({@code keyword} upper case). */
  record MessageNumber(long number, String keyword) implements ImapResponse {}

  /**
   * Any other untagged data: {@code keyword} upper case ({@code FETCH}, {@code LIST}, {@code
   * STATUS}, {@code SEARCH}, {@code ESEARCH}, {@code FLAGS}, {@code ENABLED}, {@code ID}, {@code
   * NAMESPACE}, {@code QUOTA}, {@code VANISHED}...), {@code number} the message number before it
   * or -1, and the values after it. For FETCH the single value is the list of item names and
   * values, where {@code BODY[...]} contents are literal slices. Release when done.
   */
  record Data(long number, String keyword, List<ImapValue> values, ReferenceCounted owner)
      implements ImapResponse, ReferenceCounted {
    @Override
    public int refCnt() {
      return owner.refCnt();
    }

    @Override
    public Data retain() {
      owner.retain();
      return this;
    }

    @Override
    public Data retain(int increment) {
      owner.retain(increment);
      return this;
    }

    @Override
    public Data touch() {
      owner.touch();
      return this;
    }

    @Override
    public Data touch(Object hint) {
      owner.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return owner.release();
    }

    @Override
    public boolean release(int decrement) {
      return owner.release(decrement);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Data d && d.number == number && d.keyword.equals(keyword)
          && d.values.equals(values);
    }

    @Override
    public int hashCode() {
      return keyword.hashCode() * 31 + values.hashCode();
    }

    @Override
    public String toString() {
      return "Data[" + (number >= 0 ? number + " " : "") + keyword + " " + values + "]";
    }

    /** For FETCH: the value following the item named {@code name} (case-insensitive), or null. */
    public ImapValue fetchItem(String name) {
      if (values.isEmpty() || !(values.get(0) instanceof ImapValue.ListValue l)) {
        return null;
      }
      List<ImapValue> items = l.items();
      for (int i = 0; i + 1 < items.size(); i += 2) {
        if (items.get(i) instanceof ImapValue.Atom a && a.value().equalsIgnoreCase(name)) {
          return items.get(i + 1);
        }
      }
      return null;
    }
  }
}

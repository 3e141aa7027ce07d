package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Allocation-free, case-insensitive lookup of an IMAP keyword (command name, SEARCH key, FETCH
 * item...) straight from the received bytes: an open-addressing table keyed by the ASCII
 * upper-cased bytes, probed with a hash computed while reading them.
 *
 * @param <E> the enum of keywords
 */
final class Keywords<E extends Enum<E>> {
  private final byte[][] names;
  private final Object[] values;
  private final int mask;

  Keywords(Class<E> type, Function<E, String> wireName) {
    E[] all = type.getEnumConstants();
    int size = Integer.highestOneBit(Math.max(4, all.length * 4) - 1) << 1;
    names = new byte[size][];
    values = new Object[size];
    mask = size - 1;
    for (E e : all) {
      String name = wireName.apply(e);
      if (name == null) {
        continue;
      }
      byte[] bytes = name.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      int slot = hash(bytes) & mask;
      while (names[slot] != null) {
        slot = (slot + 1) & mask;
      }
      names[slot] = bytes;
      values[slot] = e;
    }
  }

  /** The keyword spelled by {@code length} bytes at {@code start}, or null. */
  @SuppressWarnings("unchecked")
  E lookup(ByteBuf buf, int start, int length) {
    int h = 0;
    for (int i = 0; i < length; i++) {
      h = h * 31 + upper(buf.getByte(start + i));
    }
    int slot = h & mask;
    for (;;) {
      byte[] name = names[slot];
      if (name == null) {
        return null;
      }
      if (name.length == length && same(name, buf, start)) {
        return (E) values[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The keyword spelled by {@code length} bytes of {@code bytes} at {@code start}, or null. */
  @SuppressWarnings("unchecked")
  E lookup(byte[] bytes, int start, int length) {
    int h = 0;
    for (int i = 0; i < length; i++) {
      h = h * 31 + upper(bytes[start + i]);
    }
    int slot = h & mask;
    for (;;) {
      byte[] name = names[slot];
      if (name == null) {
        return null;
      }
      if (name.length == length && same(name, bytes, start)) {
        return (E) values[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  private static boolean same(byte[] name, byte[] bytes, int start) {
    for (int i = 0; i < name.length; i++) {
      if (name[i] != upper(bytes[start + i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(byte[] name, ByteBuf buf, int start) {
    for (int i = 0; i < name.length; i++) {
      if (name[i] != upper(buf.getByte(start + i))) {
        return false;
      }
    }
    return true;
  }

  private static int hash(byte[] bytes) {
    int h = 0;
    for (byte b : bytes) {
      h = h * 31 + b;
    }
    return h;
  }

  static byte upper(byte b) {
    return b >= 'a' && b <= 'z' ? (byte) (b - 32) : b;
  }
}

package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;

/**
 * The POP3 command keywords: RFC 1939 sections 4-7, CAPA (RFC 2449), STLS (RFC 2595), AUTH (RFC
 * 5034), UTF8 and LANG (RFC 6856). Keywords are 3 or 4 ASCII letters or digits, case-insensitive;
 * {@link #lookup} packs them into an int and finds the verb without allocating.
 */
public enum Pop3Verb {
  USER, PASS, APOP, AUTH, STLS, CAPA, STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL, QUIT, UTF8, LANG;

  private static final int TABLE_SIZE = 64;
  private static final int[] KEYS = new int[TABLE_SIZE];
  private static final Pop3Verb[] VERBS = new Pop3Verb[TABLE_SIZE];

  static {
    for (Pop3Verb v : values()) {
      int key = 0;
      for (int i = 0; i < v.name().length(); i++) {
        key = (key << 8) | v.name().charAt(i);
      }
      int slot = slot(key);
      while (VERBS[slot] != null) {
        slot = (slot + 1) & (TABLE_SIZE - 1);
      }
      KEYS[slot] = key;
      VERBS[slot] = v;
    }
  }

  private final byte[] wire;

  Pop3Verb() {
    this.wire = name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The keyword as sent on the wire (upper case, ASCII). */
  public byte[] wire() {
    return wire.clone();
  }

  int wireLength() {
    return wire.length;
  }

  void writeTo(ByteBuf out) {
    out.writeBytes(wire);
  }

  private static int slot(int key) {
    return (key * 0x9E3779B1) >>> 26;
  }

  /**
   * Finds the verb spelled by {@code length} bytes of {@code buf} at {@code index}, ignoring case.
   *
   * @return the verb, or {@code null} when the bytes are no known keyword
   */
  public static Pop3Verb lookup(ByteBuf buf, int index, int length) {
    if (length < 3 || length > 4) {
      return null;
    }
    int key = 0;
    for (int i = 0; i < length; i++) {
      int b = buf.getByte(index + i) & 0xff;
      if (b >= 'a' && b <= 'z') {
        b -= 'a' - 'A';
      } else if (!((b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))) {
        return null;
      }
      key = (key << 8) | b;
    }
    int slot = slot(key);
    while (VERBS[slot] != null) {
      if (KEYS[slot] == key) {
        return VERBS[slot];
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return null;
  }
}

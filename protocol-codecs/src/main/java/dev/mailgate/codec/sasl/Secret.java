package dev.mailgate.codec.sasl;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A password, token or SASL payload held as bytes (UTF-8 for text secrets). {@link #toString()}
 * never prints the content, so a secret can sit in a record that gets logged. {@link #clear()}
 * overwrites the bytes once the secret has been used; equality is constant-time.
 */
public final class Secret {
  private final byte[] bytes;

  private Secret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes ownership of {@code bytes} (no copy): the caller must not keep using the array. */
  public static Secret wrap(byte[] bytes) {
    return new Secret(bytes);
  }

  /** Copies {@code length} bytes of {@code src} from {@code offset}. */
  public static Secret copyOf(byte[] src, int offset, int length) {
    return new Secret(Arrays.copyOfRange(src, offset, offset + length));
  }

  /** Encodes {@code chars} as UTF-8 without going through an immutable String. */
  public static Secret ofChars(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return new Secret(out);
  }

  /** For tests and configuration values that already are Strings. */
  public static Secret ofString(String s) {
    return new Secret(s.getBytes(StandardCharsets.UTF_8));
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the bytes; the caller should clear it after use. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The secret decoded as UTF-8 into a fresh char array; the caller should clear it after use. */
  public char[] chars() {
    CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    char[] out = new char[cb.remaining()];
    cb.get(out);
    if (cb.hasArray()) {
      Arrays.fill(cb.array(), '\0');
    }
    return out;
  }

  /** Copies the bytes into {@code dst} at {@code offset} (encoders build wire messages this way). */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, bytes.length);
  }

  /** The byte at {@code index}, for validation without copying. */
  public byte byteAt(int index) {
    return bytes[index];
  }

  /** Overwrites the secret with zeros. */
  public void clear() {
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return bytes.length;
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}

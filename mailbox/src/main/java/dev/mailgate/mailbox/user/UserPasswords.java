package dev.mailgate.mailbox.user;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Password bytes: UTF-8 without going through a String (which could not be wiped). */
final class UserPasswords {
  private UserPasswords() {}

  static byte[] utf8(char[] password) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOfRange(bb.array(), bb.position(), bb.limit());
    Arrays.fill(bb.array(), (byte) 0);
    return out;
  }
}

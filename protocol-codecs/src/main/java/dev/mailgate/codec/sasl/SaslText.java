package dev.mailgate.codec.sasl;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** Strict base64 (RFC 4648) and UTF-8 helpers for the SASL codecs; failures are values, not throws. */
final class SaslText {
  /** RFC 4616 bounds each PLAIN field to 255 octets; we apply it to every identity. */
  static final int MAX_IDENTITY = 255;
  /** Tokens and passwords: generous, but bounded (OAuth JWTs are a few KB). */
  static final int MAX_SECRET = 16384;

  private SaslText() {}

  /**
   * Decodes base64 {@code text} (the line as sent, "=" meaning an empty message), or returns
   * {@code null} when it is not canonical base64.
   */
  static byte[] decodeBase64(byte[] text) {
    if (text.length == 1 && text[0] == '=') {
      return new byte[0];
    }
    if (text.length % 4 != 0) {
      return null; // RFC 4648 section 3.2: padding is required here
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static byte[] decodeBase64(Secret text) {
    byte[] raw = text.bytes();
    try {
      return decodeBase64(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  static Secret encodeBase64(byte[] raw) {
    byte[] out = Base64.getEncoder().encode(raw);
    Arrays.fill(raw, (byte) 0);
    return Secret.wrap(out);
  }

  /** Strict UTF-8 of {@code b[from, to)}, or {@code null} when malformed. */
  static String utf8(byte[] b, int from, int to) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static boolean validUtf8(byte[] b, int from, int to) {
    return utf8(b, from, to) != null;
  }

  static int indexOf(byte[] b, int from, int to, byte v) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** The line is not base64: a syntax error of the exchange. */
  static SaslStep.Failure bad(String detail) {
    return new SaslStep.Failure(DecodeFailure.of(ProtocolError.BAD_ENCODING, detail));
  }

  /** The message decoded but breaks its mechanism's format: a failed authentication. */
  static SaslStep.Rejected rejected(String detail) {
    return new SaslStep.Rejected(detail);
  }

  static byte[] utf8Bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

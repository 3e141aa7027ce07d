package dev.mailgate.codec.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.sasl.Secret;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Turns decoded POP3 messages into comparable strings (secrets shown, for assertions only). */
final class Pop3Describe {
  private Pop3Describe() {}

  static String describe(Object msg) {
    if (msg instanceof DecodeFailure f) {
      return "FAIL " + f.error();
    }
    if (msg instanceof Pop3Command.Pass p) {
      return "PASS " + text(p.password());
    }
    if (msg instanceof Pop3Command.Auth a) {
      return "AUTH " + a.mechanism() + (a.initialResponse() == null ? "" : " " + text(a.initialResponse()));
    }
    if (msg instanceof Pop3Command.SaslResponse r) {
      return "SASL " + text(r.base64());
    }
    if (msg instanceof Pop3Command.Simple s) {
      return s.verb().name();
    }
    if (msg == Pop3Response.BodyEnd.INSTANCE) {
      return "BodyEnd";
    }
    if (msg instanceof ByteBuf b) {
      return "BODY " + b.toString(StandardCharsets.ISO_8859_1);
    }
    return String.valueOf(msg);
  }

  static String text(Secret s) {
    return new String(s.bytes(), StandardCharsets.UTF_8);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}

package dev.mailgate.codec.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import dev.mailgate.codec.sasl.Secret;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Parses one POP3 command line (without its CRLF) into a {@link Pop3Command}, or a {@link
 * DecodeFailure} when the line breaks RFC 1939's grammar: a keyword, then arguments each preceded
 * by a single space (RFC 1939 section 3). PASS takes the rest of the line, spaces included. The
 * framing (CRLF, line limits) is {@link Pop3CommandDecoder}'s job; this class reads bytes in place.
 */
public final class Pop3CommandParser {
  private static final byte SP = ' ';
  private final int maxArgumentLength;

  public Pop3CommandParser(Pop3Limits limits) {
    this.maxArgumentLength = limits.maxArgumentLength();
  }

  /** Parses {@code buf[start, end)} as a command line. */
  public Object parse(ByteBuf buf, int start, int end) {
    int sp = buf.indexOf(start, end, SP);
    int verbEnd = sp < 0 ? end : sp;
    Pop3Verb verb = Pop3Verb.lookup(buf, start, verbEnd - start);
    if (verb == null) {
      return DecodeFailure.of(ProtocolError.UNKNOWN_COMMAND, "unknown command");
    }
    int args = sp < 0 ? -1 : sp + 1; // -1: no arguments at all
    switch (verb) {
      case PASS:
        return pass(buf, args, end);
      case AUTH:
        return auth(buf, args, end);
      case USER:
      case APOP:
      case LIST:
      case UIDL:
      case RETR:
      case DELE:
      case TOP:
      case LANG:
        return withArguments(verb, buf, args, end);
      default:
        return args < 0 ? Pop3Command.Simple.of(verb) : syntax(verb + " takes no arguments");
    }
  }

  /** Parses {@code buf[start, end)} as the client's answer to a SASL challenge (RFC 5034). */
  public Object parseSaslResponse(ByteBuf buf, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = buf.getByte(i);
      if (b <= SP || b == 0x7f) {
        return DecodeFailure.of(ProtocolError.BAD_ENCODING, "SASL response is not base64");
      }
    }
    return new Pop3Command.SaslResponse(secret(buf, start, end));
  }

  private Object pass(ByteBuf buf, int args, int end) {
    if (args < 0 || args == end) {
      return syntax("PASS needs a password");
    }
    for (int i = args; i < end; i++) {
      byte b = buf.getByte(i);
      if (b == 0 || b == 0x7f) {
        return DecodeFailure.of(ProtocolError.BAD_CHARACTER, "control character in PASS");
      }
    }
    return new Pop3Command.Pass(secret(buf, args, end));
  }

  private Object auth(ByteBuf buf, int args, int end) {
    if (args < 0) {
      return new Pop3Command.Auth(null, null);
    }
    int sp = buf.indexOf(args, end, SP);
    int mechEnd = sp < 0 ? end : sp;
    if (mechEnd == args || mechEnd - args > 20) {
      return syntax("bad SASL mechanism name");
    }
    StringBuilder mech = new StringBuilder(mechEnd - args);
    for (int i = args; i < mechEnd; i++) {
      int c = buf.getByte(i) & 0xff;
      if (c >= 'a' && c <= 'z') {
        c -= 'a' - 'A';
      }
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return syntax("bad SASL mechanism name");
      }
      mech.append((char) c);
    }
    if (sp < 0) {
      return new Pop3Command.Auth(mech.toString(), null);
    }
    if (sp + 1 == end) {
      return syntax("empty initial response");
    }
    for (int i = sp + 1; i < end; i++) {
      byte b = buf.getByte(i);
      if (b <= SP || b == 0x7f) {
        return DecodeFailure.of(ProtocolError.BAD_ENCODING, "initial response is not base64");
      }
    }
    return new Pop3Command.Auth(mech.toString(), secret(buf, sp + 1, end));
  }

  private Object withArguments(Pop3Verb verb, ByteBuf buf, int args, int end) {
    // at most two arguments (TOP, APOP); each one ends at a single space or the line end
    int a1 = args;
    int e1 = -1;
    int a2 = -1;
    int e2 = -1;
    if (a1 >= 0) {
      int sp = buf.indexOf(a1, end, SP);
      e1 = sp < 0 ? end : sp;
      if (sp >= 0) {
        a2 = sp + 1;
        int sp2 = buf.indexOf(a2, end, SP);
        if (sp2 >= 0) {
          return syntax("too many arguments");
        }
        e2 = end;
      }
    }
    Object bad = checkArgument(buf, a1, e1);
    if (bad == null) {
      bad = checkArgument(buf, a2, e2);
    }
    if (bad != null) {
      return bad;
    }
    int count = a1 < 0 ? 0 : (a2 < 0 ? 1 : 2);
    switch (verb) {
      case USER:
        return count == 1 ? new Pop3Command.User(text(buf, a1, e1)) : syntax("USER needs a name");
      case APOP:
        return count == 2 ? apop(buf, a1, e1, a2, e2) : syntax("APOP needs name and digest");
      case LANG:
        return count == 0 ? new Pop3Command.Lang(null)
            : count == 1 ? new Pop3Command.Lang(text(buf, a1, e1)) : syntax("LANG takes one argument");
      case LIST:
      case UIDL: {
        if (count == 2) {
          return syntax(verb + " takes at most one argument");
        }
        OptionalInt n = OptionalInt.empty();
        if (count == 1) {
          int v = number(buf, a1, e1);
          if (v < 1) {
            return syntax("bad message number");
          }
          n = OptionalInt.of(v);
        }
        return verb == Pop3Verb.LIST ? new Pop3Command.List(n) : new Pop3Command.Uidl(n);
      }
      case RETR:
      case DELE: {
        int v = count == 1 ? number(buf, a1, e1) : -1;
        if (v < 1) {
          return syntax(verb + " needs one message number");
        }
        return verb == Pop3Verb.RETR ? new Pop3Command.Retr(v) : new Pop3Command.Dele(v);
      }
      case TOP: {
        int msg = count == 2 ? number(buf, a1, e1) : -1;
        int lines = count == 2 ? lineCount(buf, a2, e2) : -1;
        if (msg < 1 || lines < 0) {
          return syntax("TOP needs a message number and a line count");
        }
        return new Pop3Command.Top(msg, lines);
      }
      default:
        throw new IllegalStateException(verb.name());
    }
  }

  private Object apop(ByteBuf buf, int a1, int e1, int a2, int e2) {
    if (e2 - a2 != 32) {
      return syntax("APOP digest must be 32 hex digits");
    }
    char[] hex = new char[32];
    for (int i = 0; i < 32; i++) {
      int c = buf.getByte(a2 + i) & 0xff;
      if (c >= 'A' && c <= 'F') {
        c += 'a' - 'A';
      }
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return syntax("APOP digest must be 32 hex digits");
      }
      hex[i] = (char) c;
    }
    return new Pop3Command.Apop(text(buf, a1, e1), new String(hex));
  }

  private Object checkArgument(ByteBuf buf, int from, int to) {
    if (from < 0) {
      return null;
    }
    if (from == to) {
      return syntax("empty argument");
    }
    if (to - from > maxArgumentLength) {
      return syntax("argument longer than " + maxArgumentLength);
    }
    for (int i = from; i < to; i++) {
      byte b = buf.getByte(i);
      if ((b >= 0 && b < SP) || b == 0x7f) {
        return DecodeFailure.of(ProtocolError.BAD_CHARACTER, "control character in argument");
      }
    }
    return null;
  }

  /** A decimal number of at most 9 digits (RFC 1939 numbers are small), or -1. */
  private static int number(ByteBuf buf, int from, int to) {
    if (to - from < 1 || to - from > 9) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = buf.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /**
   * TOP's line count (RFC 1939 section 7: any non-negative number), saturating at {@link
   * Integer#MAX_VALUE}: a count beyond every message's length asks for the whole message, as
   * Dovecot answers it, and is no syntax error. The digits are bounded by the argument limit.
   */
  private static int lineCount(ByteBuf buf, int from, int to) {
    if (to - from < 1) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = buf.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = Math.min(Integer.MAX_VALUE, v * 10 + d);
    }
    return (int) v;
  }

  private static String text(ByteBuf buf, int from, int to) {
    return buf.toString(from, to - from, StandardCharsets.UTF_8);
  }

  private static Secret secret(ByteBuf buf, int from, int to) {
    byte[] b = new byte[to - from];
    buf.getBytes(from, b);
    return Secret.wrap(b);
  }

  private static DecodeFailure syntax(String detail) {
    return DecodeFailure.of(ProtocolError.SYNTAX, detail);
  }
}

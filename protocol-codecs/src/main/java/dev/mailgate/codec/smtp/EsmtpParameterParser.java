package dev.mailgate.codec.smtp;

import dev.mailgate.codec.ProtocolError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code Mail-parameters} and {@code Rcpt-parameters} of RFC 5321 4.1.2 (esmtp-keyword ["="
 * esmtp-value], values extended to UTF-8 by RFC 6531 3.3), typed for SIZE, BODY, SMTPUTF8, AUTH,
 * RET, ENVID, NOTIFY and ORCPT; and the XCLIENT attribute list. Bounded by
 * {@link SmtpLimits#maxEsmtpParameters()}; a known parameter given twice is a syntax error.
 */
final class EsmtpParameterParser {
  private static final int MAX_SIZE_DIGITS = 18;

  private EsmtpParameterParser() {}

  static MailParameters mail(LineCursor c, int maxParameters) {
    if (noneFollow(c)) {
      return MailParameters.NONE;
    }
    long size = -1;
    MailParameters.Body body = null;
    boolean utf8 = false;
    String auth = null;
    MailParameters.Ret ret = null;
    String envid = null;
    List<EsmtpParameter> others = List.of();
    int count = 0;
    int seen = 0;
    while (hasMore(c)) {
      if (++count > maxParameters) {
        throw new SmtpSyntaxException(ProtocolError.TOO_MANY_PARAMETERS, "too many parameters");
      }
      int kStart = c.pos;
      int kEnd = keyword(c);
      int vStart = -1;
      if (c.peek() == '=') {
        c.pos++;
        vStart = c.pos;
        value(c);
      }
      int bit;
      c.pos = kStart;
      if (c.skipIgnoreCase("SIZE") && c.pos == kEnd) {
        bit = 1;
        size = number(c, vStart);
      } else if (reset(c, kStart) && c.skipIgnoreCase("BODY") && c.pos == kEnd) {
        MailParameters.Body b = body(c, vStart);
        bit = b == body ? 0 : 2; // the same BODY again says nothing new; another one conflicts
        body = b;
      } else if (reset(c, kStart) && c.skipIgnoreCase("SMTPUTF8") && c.pos == kEnd) {
        // A flag given twice cannot conflict: Python's smtplib sends "SMTPUTF8 SMTPUTF8 BODY=8BITMIME"
        // when the caller passed SMTPUTF8 for a non-ASCII address, and Postfix takes it.
        bit = 0;
        if (vStart >= 0) {
          throw SmtpSyntaxException.syntax("SMTPUTF8 takes no value");
        }
        utf8 = true;
      } else if (reset(c, kStart) && c.skipIgnoreCase("AUTH") && c.pos == kEnd) {
        bit = 8;
        auth = xtext(c, vStart);
      } else if (reset(c, kStart) && c.skipIgnoreCase("RET") && c.pos == kEnd) {
        bit = 16;
        ret = ret(c, vStart);
      } else if (reset(c, kStart) && c.skipIgnoreCase("ENVID") && c.pos == kEnd) {
        bit = 32;
        envid = xtext(c, vStart);
      } else {
        bit = 0;
        if (others.isEmpty()) {
          others = new ArrayList<>(2);
        }
        others.add(other(c, kStart, kEnd, vStart));
      }
      if ((seen & bit) != 0) {
        throw SmtpSyntaxException.syntax("parameter given twice");
      }
      seen |= bit;
      skipValue(c, kEnd, vStart);
    }
    return new MailParameters(size, body, utf8, auth, ret, envid, others);
  }

  static RcptParameters rcpt(LineCursor c, int maxParameters) {
    if (noneFollow(c)) {
      return RcptParameters.NONE;
    }
    Set<RcptParameters.Notify> notify = Set.of();
    String orcptType = null;
    String orcpt = null;
    List<EsmtpParameter> others = List.of();
    int count = 0;
    while (hasMore(c)) {
      if (++count > maxParameters) {
        throw new SmtpSyntaxException(ProtocolError.TOO_MANY_PARAMETERS, "too many parameters");
      }
      int kStart = c.pos;
      int kEnd = keyword(c);
      int vStart = -1;
      if (c.peek() == '=') {
        c.pos++;
        vStart = c.pos;
        value(c);
      }
      c.pos = kStart;
      if (c.skipIgnoreCase("NOTIFY") && c.pos == kEnd) {
        if (!notify.isEmpty()) {
          throw SmtpSyntaxException.syntax("parameter given twice");
        }
        notify = notify(c, vStart);
      } else if (reset(c, kStart) && c.skipIgnoreCase("ORCPT") && c.pos == kEnd) {
        if (orcpt != null || vStart < 0) {
          throw SmtpSyntaxException.syntax("bad ORCPT");
        }
        int semi = vStart;
        int vEnd = valueEnd(c, vStart);
        while (semi < vEnd && c.bytes[semi] != ';') {
          semi++;
        }
        if (semi == vStart || semi >= vEnd - 1) {
          throw SmtpSyntaxException.syntax("bad ORCPT");
        }
        orcptType = c.ascii(vStart, semi);
        orcpt = c.text(semi + 1, vEnd);
      } else {
        if (others.isEmpty()) {
          others = new ArrayList<>(2);
        }
        others.add(other(c, kStart, kEnd, vStart));
      }
      skipValue(c, kEnd, vStart);
    }
    return new RcptParameters(notify, orcptType, orcpt, others);
  }

  /** {@code XCLIENT attribute=value ...}: names upper-cased, values xtext-decoded. */
  static Map<String, String> xclient(LineCursor c, int maxParameters) {
    Map<String, String> attributes = new LinkedHashMap<>();
    int count = 0;
    while (hasMore(c)) {
      if (++count > maxParameters) {
        throw new SmtpSyntaxException(ProtocolError.TOO_MANY_PARAMETERS, "too many attributes");
      }
      int kStart = c.pos;
      int kEnd = keyword(c);
      if (c.next() != '=') {
        throw SmtpSyntaxException.syntax("XCLIENT attribute needs a value");
      }
      int vStart = c.pos;
      value(c);
      attributes.put(c.ascii(kStart, kEnd).toUpperCase(java.util.Locale.ROOT), xtext(c, vStart));
      c.pos = valueEnd(c, vStart);
    }
    if (attributes.isEmpty()) {
      throw SmtpSyntaxException.syntax("XCLIENT needs attributes");
    }
    return attributes;
  }

  private static boolean noneFollow(LineCursor c) {
    int save = c.pos;
    boolean more = hasMore(c);
    c.pos = save;
    return !more;
  }

  private static boolean reset(LineCursor c, int to) {
    c.pos = to;
    return true;
  }

  /** Skips the separating spaces; true when a parameter follows. */
  private static boolean hasMore(LineCursor c) {
    int spaces = c.skipSpaces();
    if (c.atEnd()) {
      return false;
    }
    if (spaces == 0) {
      throw SmtpSyntaxException.syntax("parameters must be separated by spaces");
    }
    return true;
  }

  /** esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); returns its end. */
  private static int keyword(LineCursor c) {
    int start = c.pos;
    while (c.pos < c.end) {
      int b = c.bytes[c.pos] & 0xFF;
      if (!SmtpPathParser.isLetDig(b) && (b != '-' || c.pos == start)) {
        break;
      }
      c.pos++;
    }
    if (c.pos == start) {
      throw SmtpSyntaxException.syntax("bad parameter keyword");
    }
    return c.pos;
  }

  /** esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii). */
  private static void value(LineCursor c) {
    int start = c.pos;
    while (c.pos < c.end) {
      int b = c.bytes[c.pos] & 0xFF;
      if (b == ' ' || b == '=' || (b < 0x80 && (b < 33 || b > 126))) {
        break;
      }
      c.pos++;
    }
    if (c.pos == start) {
      throw SmtpSyntaxException.syntax("empty parameter value");
    }
    if (c.pos < c.end && c.bytes[c.pos] != ' ') {
      throw SmtpSyntaxException.syntax("bad parameter value");
    }
    Utf8.requireWellFormed(c.bytes, start, c.pos);
  }

  private static int valueEnd(LineCursor c, int vStart) {
    int i = vStart;
    while (i < c.end && c.bytes[i] != ' ') {
      i++;
    }
    return i;
  }

  private static void skipValue(LineCursor c, int kEnd, int vStart) {
    c.pos = vStart < 0 ? kEnd : valueEnd(c, vStart);
  }

  private static EsmtpParameter other(LineCursor c, int kStart, int kEnd, int vStart) {
    String keyword = c.ascii(kStart, kEnd).toUpperCase(java.util.Locale.ROOT);
    return new EsmtpParameter(keyword, vStart < 0 ? null : c.text(vStart, valueEnd(c, vStart)));
  }

  private static long number(LineCursor c, int vStart) {
    int vEnd = vStart < 0 ? -1 : valueEnd(c, vStart);
    if (vStart < 0 || vEnd - vStart > MAX_SIZE_DIGITS) {
      throw SmtpSyntaxException.syntax("bad SIZE");
    }
    long v = 0;
    for (int i = vStart; i < vEnd; i++) {
      int d = c.bytes[i] - '0';
      if (d < 0 || d > 9) {
        throw SmtpSyntaxException.syntax("bad SIZE");
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static MailParameters.Body body(LineCursor c, int vStart) {
    if (vStart >= 0) {
      int vEnd = valueEnd(c, vStart);
      for (MailParameters.Body b : MailParameters.Body.values()) {
        c.pos = vStart;
        if (c.skipIgnoreCase(b.wire()) && c.pos == vEnd) {
          return b;
        }
      }
    }
    throw SmtpSyntaxException.syntax("bad BODY");
  }

  private static MailParameters.Ret ret(LineCursor c, int vStart) {
    if (vStart >= 0) {
      int vEnd = valueEnd(c, vStart);
      c.pos = vStart;
      if (c.skipIgnoreCase("FULL") && c.pos == vEnd) {
        return MailParameters.Ret.FULL;
      }
      c.pos = vStart;
      if (c.skipIgnoreCase("HDRS") && c.pos == vEnd) {
        return MailParameters.Ret.HDRS;
      }
    }
    throw SmtpSyntaxException.syntax("bad RET");
  }

  private static Set<RcptParameters.Notify> notify(LineCursor c, int vStart) {
    if (vStart < 0) {
      throw SmtpSyntaxException.syntax("bad NOTIFY");
    }
    int vEnd = valueEnd(c, vStart);
    EnumSet<RcptParameters.Notify> set = EnumSet.noneOf(RcptParameters.Notify.class);
    c.pos = vStart;
    while (true) {
      RcptParameters.Notify found = null;
      for (RcptParameters.Notify n : RcptParameters.Notify.values()) {
        int at = c.pos;
        if (c.skipIgnoreCase(n.name()) && (c.pos == vEnd || c.bytes[c.pos] == ',')) {
          found = n;
          break;
        }
        c.pos = at;
      }
      if (found == null || !set.add(found)) {
        throw SmtpSyntaxException.syntax("bad NOTIFY");
      }
      if (c.pos == vEnd) {
        break;
      }
      c.pos++;
    }
    if (set.contains(RcptParameters.Notify.NEVER) && set.size() > 1) {
      throw SmtpSyntaxException.syntax("NOTIFY=NEVER stands alone");
    }
    return set;
  }

  /** xtext of RFC 3461 4: {@code "+" HEXCHAR HEXCHAR} escapes; a missing value is an error. */
  static String xtext(LineCursor c, int vStart) {
    if (vStart < 0) {
      throw SmtpSyntaxException.syntax("parameter needs a value");
    }
    int vEnd = valueEnd(c, vStart);
    boolean plain = true;
    for (int i = vStart; i < vEnd; i++) {
      if (c.bytes[i] == '+') {
        plain = false;
        break;
      }
    }
    if (plain) {
      return c.text(vStart, vEnd);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(vEnd - vStart);
    for (int i = vStart; i < vEnd; i++) {
      byte b = c.bytes[i];
      if (b == '+') {
        if (i + 2 >= vEnd) {
          throw SmtpSyntaxException.syntax("bad xtext");
        }
        int hi = Character.digit(c.bytes[i + 1], 16);
        int lo = Character.digit(c.bytes[i + 2], 16);
        if (hi < 0 || lo < 0) {
          throw SmtpSyntaxException.syntax("bad xtext");
        }
        int decoded = hi << 4 | lo;
        if (decoded < 0x20 || decoded == 0x7F) {
          // values are re-encoded into other command lines: no control characters, no CR/LF
          throw new SmtpSyntaxException(ProtocolError.BAD_CHARACTER, "control character in xtext");
        }
        out.write(decoded);
        i += 2;
      } else {
        out.write(b);
      }
    }
    byte[] decoded = out.toByteArray();
    Utf8.requireWellFormed(decoded, 0, decoded.length);
    return new String(decoded, StandardCharsets.UTF_8);
  }
}

package dev.mailgate.codec.smtp;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;

/**
 * Turns one command line (without its CRLF) into a {@link SmtpCommand}, or a
 * {@link DecodeFailure}: UNKNOWN_COMMAND for an unknown verb, SYNTAX for bad arguments (the session
 * answers 500 / 501 / 555), TOO_MANY_PARAMETERS, BAD_CHARACTER for control bytes, BAD_ENCODING for
 * malformed UTF-8 or base64. Grammar of RFC 5321 4.1.1 / 4.1.2 and the extensions of
 * {@link SmtpVerb}. Not thread-safe: one per decoder.
 */
final class SmtpCommandParser {
  private static final int MAX_MECHANISM = 20;

  private static final SmtpCommand.Data DATA = new SmtpCommand.Data();
  private static final SmtpCommand.Rset RSET = new SmtpCommand.Rset();
  private static final SmtpCommand.Quit QUIT = new SmtpCommand.Quit();
  private static final SmtpCommand.StartTls STARTTLS = new SmtpCommand.StartTls();
  private static final SmtpCommand.Noop NOOP = new SmtpCommand.Noop(null);

  private final SmtpLimits limits;
  private final LineCursor c = new LineCursor();

  SmtpCommandParser(SmtpLimits limits) {
    this.limits = limits;
  }

  /** Parses a command line of {@code len} bytes held in {@code line}. */
  Object parseCommand(byte[] line, int len) {
    try {
      checkCharacters(line, len);
      c.reset(line, 0, len);
      int verbStart = c.token();
      SmtpVerb verb = SmtpVerb.lookup(line, verbStart, c.pos - verbStart);
      if (verb == null) {
        return DecodeFailure.of(ProtocolError.UNKNOWN_COMMAND, "unknown command");
      }
      return parseArguments(verb);
    } catch (SmtpSyntaxException e) {
      return e.toFailure();
    }
  }

  /** Parses a line answering a 334 challenge: base64 or {@code *} (RFC 4954 4). */
  Object parseAuthResponse(byte[] line, int len) {
    try {
      checkCharacters(line, len);
      c.reset(line, 0, len);
      if (len == 1 && line[0] == '*') {
        return new SmtpCommand.AuthResponse("", true);
      }
      return new SmtpCommand.AuthResponse(base64(0, len), false);
    } catch (SmtpSyntaxException e) {
      return e.toFailure();
    }
  }

  private SmtpCommand parseArguments(SmtpVerb verb) {
    switch (verb) {
      case HELO:
        return new SmtpCommand.Helo(requiredToken("HELO needs a domain"));
      case EHLO:
        return new SmtpCommand.Ehlo(requiredToken("EHLO needs a domain"));
      case MAIL: {
        requireSpaceThen("FROM:", "expected MAIL FROM:");
        SmtpPath from = SmtpPathParser.parsePath(c, true);
        return new SmtpCommand.Mail(from, EsmtpParameterParser.mail(c, limits.maxEsmtpParameters()));
      }
      case RCPT: {
        requireSpaceThen("TO:", "expected RCPT TO:");
        SmtpPath to = SmtpPathParser.parsePath(c, false);
        return new SmtpCommand.Rcpt(to, EsmtpParameterParser.rcpt(c, limits.maxEsmtpParameters()));
      }
      case DATA:
        c.expectEnd("DATA takes no argument");
        return DATA;
      case RSET:
        c.expectEnd("RSET takes no argument");
        return RSET;
      case QUIT:
        c.expectEnd("QUIT takes no argument");
        return QUIT;
      case STARTTLS:
        c.expectEnd("STARTTLS takes no argument");
        return STARTTLS;
      case NOOP: {
        String arg = optionalRest();
        return arg == null ? NOOP : new SmtpCommand.Noop(arg);
      }
      case HELP:
        return new SmtpCommand.Help(optionalRest());
      case VRFY:
        return new SmtpCommand.Vrfy(requiredRest("VRFY needs an argument"));
      case EXPN:
        return new SmtpCommand.Expn(requiredRest("EXPN needs an argument"));
      case BDAT:
        return bdat();
      case AUTH:
        return auth();
      case XCLIENT:
        return new SmtpCommand.Xclient(EsmtpParameterParser.xclient(c, limits.maxEsmtpParameters()));
      default:
        throw new IllegalStateException(verb.name());
    }
  }

  private SmtpCommand bdat() {
    if (c.skipSpaces() == 0) {
      throw SmtpSyntaxException.syntax("BDAT needs a size");
    }
    int start = c.pos;
    long size = 0;
    while (c.pos < c.end && c.bytes[c.pos] >= '0' && c.bytes[c.pos] <= '9') {
      if (c.pos - start >= 18) {
        throw SmtpSyntaxException.syntax("BDAT size too large");
      }
      size = size * 10 + (c.bytes[c.pos++] - '0');
    }
    if (c.pos == start) {
      throw SmtpSyntaxException.syntax("BDAT needs a size");
    }
    boolean last = false;
    if (c.skipSpaces() > 0 && !c.atEnd()) {
      if (!c.skipIgnoreCase("LAST")) {
        throw SmtpSyntaxException.syntax("expected LAST");
      }
      last = true;
    }
    c.expectEnd("junk after BDAT");
    return new SmtpCommand.Bdat(size, last);
  }

  private SmtpCommand auth() {
    if (c.skipSpaces() == 0 || c.atEnd()) {
      throw SmtpSyntaxException.syntax("AUTH needs a mechanism");
    }
    int start = c.token();
    int len = c.pos - start;
    if (len > MAX_MECHANISM) {
      throw SmtpSyntaxException.syntax("bad SASL mechanism");
    }
    for (int i = start; i < c.pos; i++) {
      int b = c.bytes[i];
      if (!SmtpPathParser.isLetDig(b) && b != '-' && b != '_') {
        throw SmtpSyntaxException.syntax("bad SASL mechanism");
      }
    }
    String mechanism = c.ascii(start, c.pos).toUpperCase(java.util.Locale.ROOT);
    c.skipSpaces();
    if (c.atEnd()) {
      return new SmtpCommand.Auth(mechanism, null);
    }
    int irStart = c.token();
    int irEnd = c.pos;
    c.expectEnd("junk after initial response");
    if (irEnd - irStart == 1 && c.bytes[irStart] == '=') {
      return new SmtpCommand.Auth(mechanism, "=");
    }
    return new SmtpCommand.Auth(mechanism, base64(irStart, irEnd));
  }

  /** Checks the base64 alphabet and padding shape (RFC 4648 4); decoding is the SASL layer's. */
  private String base64(int from, int to) {
    int len = to - from;
    if (len % 4 != 0) {
      throw new SmtpSyntaxException(ProtocolError.BAD_ENCODING, "bad base64");
    }
    int pad = 0;
    for (int i = from; i < to; i++) {
      int b = c.bytes[i];
      boolean alpha = SmtpPathParser.isLetDig(b) || b == '+' || b == '/';
      if (b == '=' && i >= to - 2) {
        pad++;
      } else if (!alpha || pad > 0) {
        throw new SmtpSyntaxException(ProtocolError.BAD_ENCODING, "bad base64");
      }
    }
    return c.ascii(from, to);
  }

  private void requireSpaceThen(String word, String detail) {
    if (c.next() != ' ' || !c.skipIgnoreCase(word)) {
      throw SmtpSyntaxException.syntax(detail);
    }
    // RFC 5321 has no space after the colon, but many clients send one (Postfix accepts it too).
    c.skipSpaces();
  }

  private String requiredToken(String detail) {
    if (c.skipSpaces() == 0 || c.atEnd()) {
      throw SmtpSyntaxException.syntax(detail);
    }
    int start = c.token();
    int end = c.pos;
    c.expectEnd("junk after argument");
    return c.text(start, end);
  }

  private String optionalRest() {
    if (c.skipSpaces() == 0 || c.atEnd()) {
      if (!c.atEnd()) {
        throw SmtpSyntaxException.syntax("expected a space");
      }
      return null;
    }
    return rest();
  }

  private String requiredRest(String detail) {
    if (c.skipSpaces() == 0 || c.atEnd()) {
      throw SmtpSyntaxException.syntax(detail);
    }
    return rest();
  }

  private String rest() {
    int start = c.pos;
    int end = c.end;
    while (end > start && c.bytes[end - 1] == ' ') {
      end--;
    }
    c.pos = c.end;
    return c.text(start, end);
  }

  /** Control bytes (NUL, TAB, DEL...) never belong in a command line. */
  private static void checkCharacters(byte[] line, int len) {
    for (int i = 0; i < len; i++) {
      int b = line[i];
      if ((b >= 0 && b < 0x20) || b == 0x7F) {
        throw new SmtpSyntaxException(ProtocolError.BAD_CHARACTER, "control character in command");
      }
    }
  }
}

package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The client side, for the backend leg: writes {@link SmtpCommand}s as command lines (RFC 5321
 * 4.1.1). Source routes are not written (RFC 5321 C allows dropping them). xtext values (AUTH=,
 * ENVID=, XCLIENT values) are encoded per RFC 3461 4. Every string is checked: a CR, LF or other
 * control character is an IllegalArgumentException, so no command can be injected. Content is
 * written by the session as raw {@link ByteBuf}s followed by {@link #endOfData()}.
 */
@ChannelHandler.Sharable
public final class SmtpCommandEncoder extends MessageToByteEncoder<SmtpCommand> {
  public static final SmtpCommandEncoder INSTANCE = new SmtpCommandEncoder();

  private static final ByteBuf END_OF_DATA = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer(".\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

  /** {@code .CRLF}, to write after relayed PASS_THROUGH content (which ends with CRLF). */
  public static ByteBuf endOfData() {
    return END_OF_DATA.duplicate();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, SmtpCommand command, ByteBuf out) {
    encode(command, out);
  }

  /** Appends the command line of {@code command} to {@code out}. */
  public static void encode(SmtpCommand command, ByteBuf out) {
    if (command instanceof SmtpCommand.AuthResponse r) {
      write(out, r.cancelled() ? "*" : r.base64());
      crlf(out);
      return;
    }
    command.verb().writeTo(out);
    if (command instanceof SmtpCommand.Helo h) {
      sp(out).write(out, h.domain());
    } else if (command instanceof SmtpCommand.Ehlo e) {
      sp(out).write(out, e.domain());
    } else if (command instanceof SmtpCommand.Mail m) {
      write(out, " FROM:");
      path(out, m.from());
      mailParameters(out, m.parameters());
    } else if (command instanceof SmtpCommand.Rcpt r) {
      write(out, " TO:");
      path(out, r.to());
      rcptParameters(out, r.parameters());
    } else if (command instanceof SmtpCommand.Bdat b) {
      sp(out).write(out, Long.toString(b.size()));
      if (b.last()) {
        write(out, " LAST");
      }
    } else if (command instanceof SmtpCommand.Noop n && n.argument() != null) {
      sp(out).write(out, n.argument());
    } else if (command instanceof SmtpCommand.Help h && h.argument() != null) {
      sp(out).write(out, h.argument());
    } else if (command instanceof SmtpCommand.Vrfy v) {
      sp(out).write(out, v.argument());
    } else if (command instanceof SmtpCommand.Expn x) {
      sp(out).write(out, x.argument());
    } else if (command instanceof SmtpCommand.Auth a) {
      sp(out).write(out, a.mechanism());
      if (a.initialResponse() != null) {
        sp(out).write(out, a.initialResponse());
      }
    } else if (command instanceof SmtpCommand.Xclient x) {
      for (Map.Entry<String, String> e : x.attributes().entrySet()) {
        sp(out).write(out, e.getKey());
        out.writeByte('=');
        xtext(out, e.getValue());
      }
    }
    crlf(out);
  }

  private static void path(ByteBuf out, SmtpPath path) {
    out.writeByte('<');
    write(out, path.address());
    out.writeByte('>');
  }

  private static void mailParameters(ByteBuf out, MailParameters p) {
    if (p.size() >= 0) {
      write(out, " SIZE=" + p.size());
    }
    if (p.body() != null) {
      write(out, " BODY=" + p.body().wire());
    }
    if (p.smtpUtf8()) {
      write(out, " SMTPUTF8");
    }
    if (p.auth() != null) {
      write(out, " AUTH=");
      if (p.auth().equals("<>")) {
        write(out, "<>");
      } else {
        xtext(out, p.auth());
      }
    }
    if (p.ret() != null) {
      write(out, " RET=" + p.ret().name());
    }
    if (p.envid() != null) {
      write(out, " ENVID=");
      xtext(out, p.envid());
    }
    p.others().forEach(o -> sp(out).write(out, o.toString()));
  }

  private static void rcptParameters(ByteBuf out, RcptParameters p) {
    if (!p.notifyOn().isEmpty()) {
      StringBuilder sb = new StringBuilder(" NOTIFY=");
      p.notifyOn().forEach(n -> sb.append(n.name()).append(','));
      write(out, sb.substring(0, sb.length() - 1));
    }
    if (p.orcpt() != null) {
      write(out, " ORCPT=" + p.orcptType() + ";" + p.orcpt());
    }
    p.others().forEach(o -> sp(out).write(out, o.toString()));
  }

  /** xtext (RFC 3461 4): "+" and "=" and anything outside 33-126 as {@code +HH} of UTF-8 bytes. */
  private static void xtext(ByteBuf out, String value) {
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int u = b & 0xFF;
      if (u < 0x20 || u == 0x7F) {
        throw new IllegalArgumentException("control character in xtext value");
      }
      if (u < 33 || u > 126 || u == '+' || u == '=') {
        out.writeByte('+');
        out.writeByte(Character.toUpperCase(Character.forDigit(u >> 4, 16)));
        out.writeByte(Character.toUpperCase(Character.forDigit(u & 15, 16)));
      } else {
        out.writeByte(u);
      }
    }
  }

  private static final class Writer {
    void write(ByteBuf out, String s) {
      SmtpCommandEncoder.write(out, s);
    }
  }

  private static final Writer WRITER = new Writer();

  private static Writer sp(ByteBuf out) {
    out.writeByte(' ');
    return WRITER;
  }

  private static void write(ByteBuf out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new IllegalArgumentException("control character in SMTP command");
      }
    }
    ByteBufUtil.writeUtf8(out, s);
  }

  private static void crlf(ByteBuf out) {
    out.writeByte('\r').writeByte('\n');
  }
}

package dev.mailgate.codec.pop3;

import dev.mailgate.codec.sasl.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Client side (the backend leg): writes {@link Pop3Command}s in RFC 1939 wire form. The records
 * already refuse CR, LF and NUL, so nothing written here can split a line. Remember to tell the
 * {@link Pop3ResponseDecoder} which commands answer with a multi-line response.
 */
public final class Pop3CommandEncoder extends MessageToByteEncoder<Pop3Command> {

  public Pop3CommandEncoder() {
    super(Pop3Command.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Pop3Command msg, ByteBuf out) {
    write(msg, out);
  }

  /** Writes {@code command} and its CRLF to {@code out}. */
  public static void write(Pop3Command command, ByteBuf out) {
    if (command instanceof Pop3Command.SaslResponse r) {
      secret(r.base64(), out);
      out.writeByte('\r').writeByte('\n');
      return;
    }
    command.verb().writeTo(out);
    if (command instanceof Pop3Command.User u) {
      arg(u.name(), out);
    } else if (command instanceof Pop3Command.Pass p) {
      out.writeByte(' ');
      secret(p.password(), out);
    } else if (command instanceof Pop3Command.Apop a) {
      arg(a.name(), out);
      arg(a.digest(), out);
    } else if (command instanceof Pop3Command.Auth a) {
      if (a.mechanism() != null) {
        arg(a.mechanism(), out);
      }
      if (a.initialResponse() != null) {
        out.writeByte(' ');
        secret(a.initialResponse(), out);
      }
    } else if (command instanceof Pop3Command.List l) {
      l.message().ifPresent(n -> arg(Integer.toString(n), out));
    } else if (command instanceof Pop3Command.Uidl u) {
      u.message().ifPresent(n -> arg(Integer.toString(n), out));
    } else if (command instanceof Pop3Command.Retr r) {
      arg(Integer.toString(r.message()), out);
    } else if (command instanceof Pop3Command.Dele d) {
      arg(Integer.toString(d.message()), out);
    } else if (command instanceof Pop3Command.Top t) {
      arg(Integer.toString(t.message()), out);
      arg(Integer.toString(t.lines()), out);
    } else if (command instanceof Pop3Command.Lang l) {
      if (l.language() != null) {
        arg(l.language(), out);
      }
    }
    out.writeByte('\r').writeByte('\n');
  }

  /** Whether the server answers {@code command} with a multi-line response when it says +OK. */
  public static boolean expectsMultiLine(Pop3Command command) {
    if (command instanceof Pop3Command.List l) {
      return l.message().isEmpty();
    }
    if (command instanceof Pop3Command.Uidl u) {
      return u.message().isEmpty();
    }
    if (command instanceof Pop3Command.Lang l) {
      return l.language() == null;
    }
    if (command instanceof Pop3Command.Auth a) {
      return a.mechanism() == null; // RFC 1734's bare AUTH lists the mechanisms
    }
    return command instanceof Pop3Command.Retr
        || command instanceof Pop3Command.Top
        || command.verb() == Pop3Verb.CAPA;
  }

  private static void arg(String s, ByteBuf out) {
    out.writeByte(' ');
    out.writeCharSequence(s, StandardCharsets.UTF_8);
  }

  private static void secret(Secret s, ByteBuf out) {
    byte[] b = s.bytes();
    out.writeBytes(b);
    java.util.Arrays.fill(b, (byte) 0);
  }
}

package dev.mailgate.codec.pop3;

import dev.mailgate.codec.CommandEnds;
import io.netty.buffer.ByteBuf;

/**
 * POP3 client commands end at their line's LF (RFC 1939 section 3: one command per CRLF-terminated
 * line, and nothing else is sent after login: AUTH's continuation lines only come before it). Any
 * LF counts, with or without its CR, because that is where a lenient backend ends the line: a
 * client cannot send a command the count does not see. Needs no state.
 */
public final class Pop3CommandEnds implements CommandEnds {

  @Override
  public int next(ByteBuf in, int from, int to) {
    int lf = in.indexOf(from, to, (byte) '\n');
    return lf < 0 ? NONE : lf + 1;
  }
}

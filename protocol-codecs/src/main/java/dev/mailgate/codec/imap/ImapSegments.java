package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;

/** A framed command or response: lines (CRLF removed) with the literals between them, in order. */
public interface ImapSegments {
  int lineCount();

  ByteBuf line(int i);

  int literalCount();

  ByteBuf literal(int i);
}

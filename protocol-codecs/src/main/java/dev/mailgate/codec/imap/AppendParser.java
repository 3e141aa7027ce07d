package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND (RFC 9051 section 6.3.12) with MULTIAPPEND (RFC 3502) and literal8 (RFC 3516):
 * {@code append = "APPEND" SP mailbox 1*(SP [flag-list SP] [date-time SP] literal)}. Inline
 * message literals become retained slices; a streamed one (the last marker of a head frame) is
 * left to the chunks. Slices taken before a syntax error are released.
 */
final class AppendParser {
  private AppendParser() {}

  static ImapCommand append(ImapReader r, String tag, String mailbox, boolean streamed) {
    List<ImapCommand.AppendMessage> messages = new ArrayList<>(1);
    try {
      do {
        r.sp();
        messages.add(message(r, streamed));
        r.checkCount(messages.size());
      } while (!r.atEnd());
      return new ImapCommand.Append(tag, mailbox, messages);
    } catch (RuntimeException e) {
      ImapCommands.release(messages);
      throw e;
    }
  }

  /** The part after a streamed message: {@code *(SP [flag-list SP] [date-time SP] literal)}. */
  static ImapCommand continuation(ImapReader r, String tag, String mailbox, boolean streamed) {
    List<ImapCommand.AppendMessage> messages = new ArrayList<>(1);
    try {
      while (!r.atEnd()) {
        r.sp();
        messages.add(message(r, streamed));
        r.checkCount(messages.size());
      }
      return new ImapCommand.AppendContinuation(tag, mailbox, messages);
    } catch (RuntimeException e) {
      ImapCommands.release(messages);
      throw e;
    }
  }

  private static ImapCommand.AppendMessage message(ImapReader r, boolean streamed) {
    List<String> flags = List.of();
    OffsetDateTime date = null;
    if (r.peek() == '(') {
      flags = MailboxCommandParser.flagList(r);
      r.sp();
    }
    if (r.peek() == '"') {
      date = ImapDates.dateTime(r);
      r.sp();
    }
    if (!r.atLiteral()) {
      throw ImapReader.syntax("expected message literal");
    }
    boolean binary = r.binaryMarker();
    if (streamed && r.atStreamedLiteral()) {
      long size = markerSize(r);
      r.skipStreamedMarker();
      return new ImapCommand.AppendMessage(flags, date, null, size, binary);
    }
    ByteBuf content = r.literal();
    return new ImapCommand.AppendMessage(
        flags, date, content.retainedSlice(), content.readableBytes(), binary);
  }

  private static long markerSize(ImapReader r) {
    ByteBuf line = r.currentLine();
    long marker = LiteralMarker.parse(line, r.position(), line.writerIndex());
    if (marker == LiteralMarker.NONE) {
      throw ImapReader.syntax("bad literal marker");
    }
    return LiteralMarker.size(marker);
  }
}

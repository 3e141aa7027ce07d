package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND (RFC 9051 section 6.3.12) with MULTIAPPEND (RFC 3502), literal8 (RFC 3516) and the UTF8
 * data item (RFC 6855 section 4, {@code utf8-literal = "UTF8" SP "(" literal8 ")"}, accepted only
 * after ENABLE UTF8=ACCEPT): {@code append = "APPEND" SP mailbox 1*(SP [flag-list SP] [date-time
 * SP] (literal / utf8-literal))}. Inline message literals become retained slices; a streamed one
 * (the last marker of a head frame) is left to the chunks, and when it was a UTF8 item the
 * continuation starts with its closing {@code ")"}. Slices taken before a syntax error are released.
 */
final class AppendParser {
  private AppendParser() {}

  static ImapCommand append(ImapReader r, String tag, String mailbox, boolean streamed, boolean utf8Accept) {
    List<ImapCommand.AppendMessage> messages = new ArrayList<>(1);
    try {
      do {
        r.sp();
        messages.add(message(r, streamed, utf8Accept));
        r.checkCount(messages.size());
      } while (!r.atEnd());
      return new ImapCommand.Append(tag, mailbox, messages);
    } catch (RuntimeException e) {
      ImapCommands.release(messages);
      throw e;
    }
  }

  /**
   * The part after a streamed message: {@code [")"] *(SP [flag-list SP] [date-time SP] literal)},
   * the {@code ")"} closing a streamed UTF8 item ({@code utf8Open}).
   */
  static ImapCommand continuation(ImapReader r, String tag, String mailbox, boolean streamed, boolean utf8Accept,
      boolean utf8Open) {
    List<ImapCommand.AppendMessage> messages = new ArrayList<>(1);
    try {
      if (utf8Open) {
        r.expect(')');
      }
      while (!r.atEnd()) {
        r.sp();
        messages.add(message(r, streamed, utf8Accept));
        r.checkCount(messages.size());
      }
      return new ImapCommand.AppendContinuation(tag, mailbox, messages);
    } catch (RuntimeException e) {
      ImapCommands.release(messages);
      throw e;
    }
  }

  private static ImapCommand.AppendMessage message(ImapReader r, boolean streamed, boolean utf8Accept) {
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
    boolean utf8 = !r.atLiteral() && utf8Item(r, utf8Accept);
    if (!r.atLiteral()) {
      throw ImapReader.syntax("expected message literal");
    }
    boolean binary = r.binaryMarker();
    if (utf8 && !binary) {
      throw ImapReader.syntax("UTF8 takes a literal8 (~{n})");
    }
    if (streamed && r.atStreamedLiteral()) {
      long size = markerSize(r);
      r.skipStreamedMarker();
      return new ImapCommand.AppendMessage(flags, date, null, size, binary, utf8);
    }
    ByteBuf content = r.literal();
    if (utf8) {
      r.expect(')');
    }
    return new ImapCommand.AppendMessage(
        flags, date, content.retainedSlice(), content.readableBytes(), binary, utf8);
  }

  /** Reads {@code "UTF8" SP "("} (RFC 6855 section 4); without ENABLE UTF8=ACCEPT a syntax error. */
  private static boolean utf8Item(ImapReader r, boolean utf8Accept) {
    if (!"UTF8".equalsIgnoreCase(r.atom())) {
      throw ImapReader.syntax("expected message literal");
    }
    if (!utf8Accept) {
      throw ImapReader.syntax("UTF8 data item without ENABLE UTF8=ACCEPT");
    }
    r.sp();
    r.expect('(');
    return true;
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

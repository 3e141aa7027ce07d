package dev.mailgate.gateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Adds the {@code Date:} and {@code Message-ID:} fields a submitted message lacks (RFC 6409
 * sections 8.3 and 8.2; Postfix's cleanup does the same), as the message streams to the sink:
 * the content is scanned as it passes, and the missing fields go in just before the blank line
 * that ends the header, or at the end of a message that is all header. Nothing is held back but
 * the chunk the header ends in, copied once with the fields inside it; the state between chunks
 * is a few bytes of the field name being read.
 *
 * <p>{@code Date:} is when the transaction began, as in the {@code Received:} field;
 * {@code Message-ID:} is a random UUID at the server's host name (the name of its greeting and
 * {@code Received:} field). Only for authenticated submission (RFC 6409): mail from other servers
 * (port 25) stays as received, apart from the {@code Received:} field.
 *
 * <p>Field names are matched case-insensitively at the start of a header line, with white space
 * allowed before the colon (RFC 5322 section 4.5's obsolete syntax). One instance per message.
 */
final class SubmissionHeaderFields {
  private static final byte[] DATE = {'d', 'a', 't', 'e'};
  private static final byte[] MESSAGE_ID = {'m', 'e', 's', 's', 'a', 'g', 'e', '-', 'i', 'd'};

  private enum Line { START, NAME, BEFORE_COLON, REST }

  private final ByteBufAllocator alloc;
  private final Envelope envelope;
  /** The field name of the current line so far, lower case; only as long as the longest we seek. */
  private final byte[] name = new byte[MESSAGE_ID.length];
  private int nameLength;
  private boolean nameTooLong;
  private Line line = Line.START;
  private boolean sawDate;
  private boolean sawMessageId;
  /** Whether the header has ended (and the missing fields were added). */
  private boolean done;

  SubmissionHeaderFields(ByteBufAllocator alloc, Envelope envelope) {
    this.alloc = alloc;
    this.envelope = envelope;
  }

  /** The content with the missing fields added; every buffer, in or out, is owned as before. */
  Flux<ByteBuf> apply(Flux<ByteBuf> content) {
    return content.map(this::chunk).concatWith(Mono.fromSupplier(this::atEnd));
  }

  private ByteBuf chunk(ByteBuf in) {
    if (done) {
      return in;
    }
    int from = in.readerIndex();
    int to = in.writerIndex();
    for (int i = from; i < to; i++) {
      if (scan(in.getByte(i))) {
        done = true;
        byte[] fields = missing();
        if (fields.length == 0) {
          return in;
        }
        ByteBuf out = alloc.buffer(to - from + fields.length);
        out.writeBytes(in, from, i - from).writeBytes(fields).writeBytes(in, i, to - i);
        in.release();
        return out;
      }
    }
    return in;
  }

  /** A message that is all header (or empty) gets the missing fields at its end. */
  private ByteBuf atEnd() {
    if (done) {
      return null;
    }
    done = true;
    byte[] fields = missing();
    return fields.length == 0 ? null : alloc.buffer(fields.length).writeBytes(fields);
  }

  /** Reads one byte of the header; true when it begins the blank line that ends the header. */
  private boolean scan(byte b) {
    if (b == '\n') {
      boolean blank = line == Line.START;
      line = Line.START;
      return blank;
    }
    switch (line) {
      case START -> {
        if (b == '\r') {
          // CRLF alone: the blank line (a line that starts with a bare CR, where bare line
          // endings are allowed, ends the header too: it is no field either)
          return true;
        }
        nameLength = 0;
        nameTooLong = false;
        line = b == ' ' || b == '\t' ? Line.REST : Line.NAME; // a folded line names no field
        if (line == Line.NAME) {
          keep(b);
        }
      }
      case NAME -> {
        if (b == ':') {
          named();
        } else if (b == ' ' || b == '\t') {
          line = Line.BEFORE_COLON;
        } else {
          keep(b);
        }
      }
      case BEFORE_COLON -> {
        if (b == ':') {
          named();
        } else if (b != ' ' && b != '\t') {
          line = Line.REST;
        }
      }
      case REST -> { }
    }
    return false;
  }

  private void keep(byte b) {
    if (nameLength == name.length) {
      nameTooLong = true;
    } else {
      name[nameLength++] = (byte) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
  }

  private void named() {
    line = Line.REST;
    if (!nameTooLong) {
      sawDate |= is(DATE);
      sawMessageId |= is(MESSAGE_ID);
    }
  }

  private boolean is(byte[] field) {
    if (nameLength != field.length) {
      return false;
    }
    for (int i = 0; i < field.length; i++) {
      if (name[i] != field[i]) {
        return false;
      }
    }
    return true;
  }

  /** The fields to add, CRLF-terminated, as bytes (empty when none is missing). */
  private byte[] missing() {
    StringBuilder b = new StringBuilder(128);
    if (!sawDate) {
      b.append("Date: ").append(ReceivedDate.format(envelope.started())).append("\r\n");
    }
    if (!sawMessageId) {
      b.append("Message-ID: <").append(UUID.randomUUID().toString().replace("-", ""))
          .append('@').append(envelope.session().serverHost()).append(">\r\n");
    }
    // ASCII: the host name is (SmtpServerSettings), and so is the rest
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}

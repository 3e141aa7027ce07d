package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.gateway.proxy.LineHead;
import dev.mailgate.gateway.proxy.RelayGoodbye;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.ArrayDeque;

/**
 * Where a relayed POP3 conversation stands (RFC 1939 section 3, RFC 2449 PIPELINING): each client
 * command line gets exactly one response, in order; the response is one line, or, for a {@code +OK}
 * to RETR, TOP, CAPA and argument-less LIST and UIDL, a multi-line body ended by a line holding a
 * single dot. The commands awaiting their response are kept as a queue of "multi-line?" flags,
 * at most {@link #MAX_IN_FLIGHT}; a client pipelining more is never at rest (a drain's timeout
 * then closes it).
 */
final class Pop3RelayConversation implements RelayGoodbye.Conversation {
  /** Commands awaiting their response that are tracked; more than this and the count is lost. */
  static final int MAX_IN_FLIGHT = 1024;

  private final ArrayDeque<Boolean> awaiting = new ArrayDeque<>();
  private boolean lostCount;
  private final LineHead clientLine = new LineHead();
  private boolean clientInLine;
  /** The client sent QUIT. */
  private boolean quit;

  // the backend's current response
  private final LineHead responseHead = new LineHead();
  private boolean inResponse;
  private boolean multiLine;
  private boolean firstLine;
  /** Bytes of the current body line before its LF (up to 3), and the first two of them. */
  private int lineLength;
  private byte first;
  private byte second;

  @Override
  public void fromClient(ByteBuf bytes, int from, int to) {
    bytes.forEachByte(from, to - from, clientBytes);
  }

  /** One byte of the client's commands (read with forEachByte: no per-byte buffer access). */
  private final ByteProcessor clientBytes = b -> {
    if (!clientInLine) {
      clientInLine = true;
      clientLine.clear();
    }
    clientLine.add(b);
    if (b == '\n') {
      clientInLine = false;
      quit |= clientLine.wordIs(0, "QUIT");
      if (awaiting.size() >= MAX_IN_FLIGHT) {
        lostCount = true;
      } else {
        awaiting.add(isMultiLine());
      }
    }
    return true;
  };

  /**
   * Whether the command line just ended gets a multi-line response when it succeeds. Read from the
   * line's bytes, not from strings made of its words: this runs for every relayed command.
   */
  private boolean isMultiLine() {
    LineHead l = clientLine;
    if (l.wordIs(0, "RETR") || l.wordIs(0, "TOP") || l.wordIs(0, "CAPA")) {
      return true;
    }
    return (l.wordIs(0, "LIST") || l.wordIs(0, "UIDL")) && !l.hasWord(1);
  }

  @Override
  public int fromBackend(ByteBuf bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (inResponse && !firstLine) {
        i = body(bytes, i, to);
      } else {
        int stop = bytes.forEachByte(i, to - i, firstLineBytes);
        if (stop < 0) {
          return to;
        }
        i = stop + 1;
      }
      if (!inResponse) {
        return i;
      }
    }
    return to;
  }

  /**
   * One byte of a response's first line (or a new response's first byte); false when the line
   * ended, whether the response ended with it or a multi-line body follows.
   */
  private final ByteProcessor firstLineBytes = b -> {
    if (!inResponse) {
      inResponse = true;
      firstLine = true;
      responseHead.clear();
      Boolean multi = awaiting.poll();
      multiLine = multi != null && multi;
      lineLength = 0;
    }
    responseHead.add(b);
    if (b != '\n') {
      return true;
    }
    firstLine = false;
    lineLength = 0;
    if (!(multiLine && responseHead.startsWith("+OK"))) {
      inResponse = false;
    }
    return false;
  };

  /**
   * A multi-line body (a RETR is the whole message): only its line ends matter, so this jumps from
   * LF to LF with Netty's {@code indexOf} (several bytes per comparison) instead of visiting every
   * byte, and looks at the first two bytes of each line for the terminating {@code .CRLF}.
   * Returns where it stopped: right after the terminating line, or {@code to}.
   */
  private int body(ByteBuf bytes, int from, int to) {
    if (awaiting.isEmpty() && !lostCount) {
      return bodyWithNothingAfterIt(bytes, from, to);
    }
    int i = from;
    while (i < to) {
      int lf = bytes.indexOf(i, to, (byte) '\n');
      int end = lf < 0 ? to : lf;
      lineGoesOn(bytes, i, end);
      if (lf < 0) {
        return to;
      }
      boolean dotLine = lineLength == 2 && first == '.' && second == '\r';
      lineLength = 0;
      i = lf + 1;
      if (dotLine) {
        inResponse = false;
        return i;
      }
    }
    return to;
  }

  /**
   * A multi-line body while the client has no other command outstanding: the backend can send
   * nothing after the terminating line, so that line can only be the last one of what has arrived,
   * and only the read's last line break needs looking at (found from the end, a line's length
   * back) instead of every line of the message. A backend that did send something unasked after
   * the terminator in the same read leaves the body unended: the conversation is then never at
   * rest, as with {@code lostCount}, and a drain closes at its timeout.
   */
  private int bodyWithNothingAfterIt(ByteBuf bytes, int from, int to) {
    int lf = bytes.forEachByteDesc(from, to - from, ByteProcessor.FIND_LF);
    if (lf < 0) {
      lineGoesOn(bytes, from, to);
      return to;
    }
    if (endsTheBody(bytes, from, lf)) {
      inResponse = false;
      lineLength = 0;
      return lf + 1;
    }
    lineLength = 0;
    lineGoesOn(bytes, lf + 1, to);
    return to;
  }

  /** Whether the line ended by the LF at {@code lf} is the lone dot: {@code ".\r"}, nothing else. */
  private boolean endsTheBody(ByteBuf bytes, int from, int lf) {
    int inRead = lf - from; // bytes of that line in this read (at most what is asked below matters)
    if (inRead >= 3) {
      return bytes.getByte(lf - 1) == '\r' && bytes.getByte(lf - 2) == '.' && bytes.getByte(lf - 3) == '\n';
    }
    if (lineLength + inRead != 2) {
      return false;
    }
    return switch (inRead) {
      case 2 -> bytes.getByte(from) == '.' && bytes.getByte(from + 1) == '\r';
      case 1 -> first == '.' && bytes.getByte(from) == '\r';
      default -> first == '.' && second == '\r';
    };
  }

  /**
   * Bytes {@code [from, to)} continue the current body line, which has no LF among them. Only "is it
   * exactly the two bytes {@code .\r}" matters: the length saturates rather than count a huge line.
   */
  private void lineGoesOn(ByteBuf bytes, int from, int to) {
    int n = to - from;
    if (lineLength == 0 && n > 0) {
      first = bytes.getByte(from);
      if (n > 1) {
        second = bytes.getByte(from + 1);
      }
    } else if (lineLength == 1 && n > 0) {
      second = bytes.getByte(from);
    }
    lineLength = Math.min(lineLength + n, 3);
  }

  @Override
  public String toString() {
    return awaiting.size() + " awaiting a response" + (inResponse ? ", a response in progress" : "")
        + (clientInLine ? ", the client in a command line" : "");
  }

  @Override
  public boolean betweenResponses() {
    return !inResponse;
  }

  @Override
  public boolean atRest() {
    return !inResponse && !clientInLine && awaiting.isEmpty() && !lostCount;
  }

  @Override
  public boolean clientBetweenCommands() {
    return !clientInLine;
  }

  @Override
  public boolean clientSaidGoodbye() {
    return quit;
  }
}

package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.gateway.proxy.LineHead;
import dev.mailgate.gateway.proxy.RelayGoodbye;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Where a relayed IMAP conversation stands (RFC 9051 section 2.2): which side is inside a line or
 * a literal, and how many tagged commands still await their tagged response. A command or response
 * ends at a line end that does not announce a literal ({@code {n}}, {@code {n+}}, {@code ~{n}});
 * the literal's octets are skipped without looking at them. {@code DONE} ends an IDLE and is not a
 * command; a session in IDLE is at rest (RFC 2177: the server may say BYE during IDLE).
 *
 * <p>It also notes whether the backend session could serve another login of the same user once
 * this client logs out ({@link #reusable()}): only while every command sent was one whose effect
 * ends with the selected mailbox or is stored in the mailbox itself. ENABLE, COMPRESS, NOTIFY,
 * UNAUTHENTICATE and anything unknown change the session for good.
 */
final class ImapRelayConversation implements RelayGoodbye.Conversation {

  private final Side client = new Side();
  private final Side backend = new Side();
  /** Tagged commands sent and not yet answered by a tagged response. */
  private long inFlight;
  /** The last command sent was IDLE. */
  private boolean idling;
  /** The client sent LOGOUT. */
  private boolean loggedOut;
  /** Every command so far leaves nothing behind once no mailbox is selected. */
  private boolean reusable = true;
  /** A SELECT or EXAMINE was sent and no CLOSE or UNSELECT after it. */
  private boolean selected;

  /**
   * Commands after which UNSELECT (or nothing, when no mailbox is selected) brings the backend
   * session back to a fresh login's authenticated state (RFC 9051 and its extensions: ACL, QUOTA,
   * METADATA, SORT and THREAD, MOVE, REPLACE, ID, IDLE, NAMESPACE).
   */
  private static final String[] RESETTABLE = {
    "FETCH", "UID", "SELECT", "EXAMINE", "NOOP", "IDLE", "STORE", "SEARCH", "LIST", "STATUS", "LSUB", "APPEND",
    "COPY", "MOVE", "EXPUNGE", "CLOSE", "UNSELECT", "CHECK", "CAPABILITY", "NAMESPACE", "ID", "CREATE", "DELETE",
    "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "GETQUOTA", "GETQUOTAROOT", "GETACL", "MYRIGHTS", "LISTRIGHTS",
    "SETACL", "DELETEACL", "GETMETADATA", "SETMETADATA", "SORT", "THREAD", "REPLACE", "LOGOUT"
  };

  @Override
  public void fromClient(ByteBuf bytes, int from, int to) {
    int i = from;
    while (i < to) {
      i = client.take(bytes, i, to);
      if (client.ended) {
        client.ended = false;
        if (client.head.wordIs(0, "DONE")) {
          continue; // the end of IDLE, not a command: its tagged OK is still to come
        }
        inFlight++;
        idling = client.head.wordIs(1, "IDLE");
        loggedOut |= client.head.wordIs(1, "LOGOUT");
        noteCommand(client.head);
      }
    }
  }

  private void noteCommand(LineHead head) {
    if (head.wordIs(1, "SELECT") || head.wordIs(1, "EXAMINE")) {
      selected = true;
    } else if (head.wordIs(1, "CLOSE") || head.wordIs(1, "UNSELECT")) {
      selected = false;
    }
    if (reusable) {
      for (String c : RESETTABLE) {
        if (head.wordIs(1, c)) {
          return;
        }
      }
      reusable = false;
    }
  }

  /**
   * The backend session may serve another login once this client logs out: only resettable
   * commands were sent, none awaits its reply, no IDLE is running and neither side is inside a
   * command or response.
   */
  boolean reusable() {
    return reusable && inFlight == 0 && !backend.inMessage && !client.inMessage;
  }

  /** A mailbox may be selected: UNSELECT it before the backend session serves another login. */
  boolean selected() {
    return selected;
  }

  @Override
  public int fromBackend(ByteBuf bytes, int from, int to) {
    int i = backend.take(bytes, from, to);
    if (backend.ended) {
      backend.ended = false;
      if (!backend.head.wordIs(0, "*") && !backend.head.wordIs(0, "+") && inFlight > 0 && --inFlight == 0) {
        idling = false;
      }
    }
    return i;
  }

  @Override
  public boolean betweenResponses() {
    return !backend.inMessage;
  }

  @Override
  public boolean atRest() {
    return !backend.inMessage && !client.inMessage && (inFlight == 0 || inFlight == 1 && idling);
  }

  @Override
  public boolean clientBetweenCommands() {
    return !client.inMessage;
  }

  @Override
  public boolean clientSaidGoodbye() {
    return loggedOut;
  }

  @Override
  public String toString() {
    return "client " + client + ", backend " + backend + ", " + inFlight + " in flight" + (idling ? " (IDLE)" : "");
  }

  /** One direction: a command or response of lines and literals. */
  private static final class Side implements ByteProcessor {
    final LineHead head = new LineHead();
    /** Inside a command or response (its first byte seen, its last line end not yet). */
    boolean inMessage;
    /** Set when a command or response has just ended; the reader clears it. */
    boolean ended;
    /** Octets of a literal still to skip. */
    long literal;
    /** Whether the current line is the message's first (its head is being kept). */
    boolean firstLine;
    /** The literal announcement at the end of the line: 0 none, 1 digits, 2 after '+', 3 after '}'. */
    int tail;
    long number;

    @Override
    public String toString() {
      return inMessage ? "inside a message (literal " + literal + " to go)" : "between messages";
    }

    /**
     * Consumes up to the end of a message or {@code to}; returns where it stopped. Bytes are read
     * with {@code forEachByte}, one call per stretch between literals (not a {@code getByte} per
     * byte, which a leak-detecting buffer would record one by one).
     */
    int take(ByteBuf bytes, int from, int to) {
      int i = from;
      while (i < to) {
        if (literal > 0) {
          int n = (int) Math.min(literal, to - i);
          literal -= n;
          i += n;
          continue;
        }
        int stop = bytes.forEachByte(i, to - i, this);
        if (stop < 0) {
          return to;
        }
        i = stop + 1;
        if (ended) {
          return i;
        }
      }
      return i;
    }

    /** One byte outside a literal; false when the message ended or a literal starts. */
    @Override
    public boolean process(byte b) {
      if (!inMessage) {
        inMessage = true;
        firstLine = true;
        head.clear();
      }
      if (firstLine) {
        head.add(b);
      }
      if (b == '\n') {
        if (tail == 3) {
          literal = number; // the message goes on after the literal's octets
          firstLine = false;
          tail = 0;
          return false;
        }
        tail = 0;
        inMessage = false;
        ended = true;
        return false;
      }
      trackTail(b);
      return true;
    }

    private void trackTail(byte b) {
      if (b == '{') {
        tail = 1;
        number = 0;
      } else if (tail == 1 && b >= '0' && b <= '9') {
        number = number > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : number * 10 + (b - '0');
      } else if (tail == 1 && b == '+') {
        tail = 2;
      } else if ((tail == 1 || tail == 2) && b == '}') {
        tail = 3;
      } else if (tail == 3 && b == '\r') {
        // CR before the LF that ends the announcement
      } else {
        tail = 0;
      }
    }
  }
}

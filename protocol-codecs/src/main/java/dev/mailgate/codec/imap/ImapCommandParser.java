package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses framed commands ({@link ImapCommandFrame}) into {@link ImapCommand} records: every
 * command of RFC 3501 and RFC 9051 plus LITERAL+/- (7888), SASL-IR (4959), IDLE (2177), ID (2971),
 * ENABLE (5161), UNSELECT (3691), UIDPLUS (4315), MOVE (6851), CONDSTORE/QRESYNC (7162), BINARY
 * (3516), SPECIAL-USE (6154), LIST-EXTENDED (5258), LIST-STATUS (5819), ESEARCH (4731), SEARCHRES
 * (5182), WITHIN (5032), NAMESPACE (2342), QUOTA (9208), MULTIAPPEND (3502), COMPRESS (4978), SORT
 * and THREAD (5256) with the DISPLAYFROM / DISPLAYTO sort keys (5957).
 *
 * <p>Never throws for bad input: a command that breaks the grammar or a limit ({@link
 * ImapLimits#maxNestingDepth()}, {@link ImapLimits#maxListItems()}) comes back as {@link
 * ImapCommand.Invalid} with the tag when it could be read. Parsing works on the bytes; only the
 * values kept in the records are turned into Strings.
 *
 * <p>One parser per session (it holds the UTF8=ACCEPT state); not thread-safe.
 */
public final class ImapCommandParser {
  private final ImapLimits limits;
  private boolean utf8Accept;
  /** The streamed APPEND message being received is a UTF8 item: its ")" opens the continuation. */
  private boolean utf8Open;

  public ImapCommandParser(ImapLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Mailbox names are UTF-8 from now on (after {@code ENABLE UTF8=ACCEPT}, RFC 6855). */
  public void utf8Accept(boolean value) {
    utf8Accept = value;
  }

  /** True when the frame is the {@code DONE} that ends IDLE. */
  public static boolean isDone(ImapCommandFrame frame) {
    ByteBuf l = frame.line(0);
    return frame.lineCount() == 1 && l.readableBytes() == 4
        && "DONE".equalsIgnoreCase(l.toString(StandardCharsets.US_ASCII));
  }

  /**
   * The client's answer during AUTHENTICATE (RFC 9051 section 6.2.2): base64 text, or {@code "*"}
   * to cancel. Never logged by the codec.
   */
  public static String saslResponse(ImapCommandFrame frame) {
    return frame.line(0).toString(StandardCharsets.US_ASCII);
  }

  /** Parses a plain command or the head of a streamed APPEND. */
  public ImapCommand parse(ImapCommandFrame frame) {
    utf8Open = false;
    if (isDone(frame)) {
      return new ImapCommand.Done();
    }
    ImapReader r = new ImapReader(frame, limits);
    String tag = null;
    try {
      tag = tag(r);
      r.sp();
      ImapCommandName name = r.keyword(NAMES, r.atomLength());
      if (name == null) {
        return invalid(tag, ProtocolError.UNKNOWN_COMMAND, "unknown command");
      }
      if (frame.streamed() && name != ImapCommandName.APPEND) {
        return invalid(tag, ProtocolError.LITERAL_TOO_BIG, "large literal outside APPEND");
      }
      ImapCommand c = command(r, tag, name, frame.streamed());
      r.expectEnd();
      if (c instanceof ImapCommand.Append a) {
        utf8Open = streamingUtf8(a.messages());
      }
      return c;
    } catch (ImapSyntaxException e) {
      return invalid(tag, e.error(), e.getMessage());
    }
  }

  /** Parses the rest of a streamed APPEND ({@link ImapCommandFrame#continuation()}). */
  public ImapCommand parseContinuation(ImapCommandFrame frame, String tag, String mailbox) {
    ImapReader r = new ImapReader(frame, limits);
    boolean open = utf8Open;
    utf8Open = false;
    try {
      ImapCommand c = AppendParser.continuation(r, tag, mailbox, frame.streamed(), utf8Accept, open);
      if (c instanceof ImapCommand.AppendContinuation a) {
        utf8Open = streamingUtf8(a.messages());
      }
      return c;
    } catch (ImapSyntaxException e) {
      return invalid(tag, e.error(), e.getMessage());
    }
  }

  private static boolean streamingUtf8(List<ImapCommand.AppendMessage> messages) {
    return !messages.isEmpty() && messages.get(messages.size() - 1).streamed()
        && messages.get(messages.size() - 1).utf8();
  }

  private static final Keywords<ImapCommandName> NAMES =
      new Keywords<>(ImapCommandName.class, Enum::name);

  private ImapCommand command(ImapReader r, String tag, ImapCommandName name, boolean streamed) {
    return switch (name) {
      case CAPABILITY -> new ImapCommand.Capability(tag);
      case NOOP -> new ImapCommand.Noop(tag);
      case LOGOUT -> new ImapCommand.Logout(tag);
      case STARTTLS -> new ImapCommand.StartTls(tag);
      case CHECK -> new ImapCommand.Check(tag);
      case CLOSE -> new ImapCommand.Close(tag);
      case UNSELECT -> new ImapCommand.Unselect(tag);
      case IDLE -> new ImapCommand.Idle(tag);
      case NAMESPACE -> new ImapCommand.Namespace(tag);
      case EXPUNGE -> new ImapCommand.Expunge(tag, null);
      case AUTHENTICATE -> authenticate(r, tag);
      case LOGIN -> {
        r.sp();
        String user = r.astring();
        r.sp();
        yield new ImapCommand.Login(tag, user, r.astring());
      }
      case SELECT, EXAMINE -> MailboxCommandParser.select(r, this, tag, name == ImapCommandName.EXAMINE);
      case CREATE -> MailboxCommandParser.create(r, this, tag);
      case DELETE -> new ImapCommand.Delete(tag, spMailbox(r));
      case RENAME -> new ImapCommand.Rename(tag, spMailbox(r), spMailbox(r));
      case SUBSCRIBE -> new ImapCommand.Subscribe(tag, spMailbox(r));
      case UNSUBSCRIBE -> new ImapCommand.Unsubscribe(tag, spMailbox(r));
      case LIST -> MailboxCommandParser.list(r, this, tag);
      case LSUB -> {
        r.sp();
        String ref = mailboxName(r.astring());
        r.sp();
        yield new ImapCommand.Lsub(tag, ref, mailboxName(r.listMailbox()));
      }
      case STATUS -> MailboxCommandParser.status(r, this, tag);
      case APPEND -> AppendParser.append(r, tag, spMailbox(r), streamed, utf8Accept);
      case SEARCH, FETCH, STORE, COPY, MOVE -> MessageCommandParser.parse(r, this, tag, name, false);
      case SORT -> SortThreadParser.sort(r, tag, false);
      case THREAD -> SortThreadParser.thread(r, tag, false);
      case UID -> uid(r, tag);
      case ID -> id(r, tag);
      case ENABLE -> {
        List<String> caps = new ArrayList<>(2);
        do {
          r.sp();
          caps.add(r.atom());
          r.checkCount(caps.size());
        } while (!r.atEnd());
        yield new ImapCommand.Enable(tag, caps);
      }
      case GETQUOTA -> {
        r.sp();
        yield new ImapCommand.GetQuota(tag, r.astring());
      }
      case GETQUOTAROOT -> new ImapCommand.GetQuotaRoot(tag, spMailbox(r));
      case SETQUOTA -> setQuota(r, tag);
      case COMPRESS -> {
        r.sp();
        yield new ImapCommand.Compress(tag, r.atom().toUpperCase(java.util.Locale.ROOT));
      }
    };
  }

  private ImapCommand uid(ImapReader r, String tag) {
    r.sp();
    ImapCommandName name = r.keyword(NAMES, r.atomLength());
    if (name == null) {
      throw new ImapSyntaxException(ProtocolError.UNKNOWN_COMMAND, "unknown UID command");
    }
    return switch (name) {
      case SEARCH, FETCH, STORE, COPY, MOVE -> MessageCommandParser.parse(r, this, tag, name, true);
      case SORT -> SortThreadParser.sort(r, tag, true);
      case THREAD -> SortThreadParser.thread(r, tag, true);
      case EXPUNGE -> {
        r.sp();
        yield new ImapCommand.Expunge(tag, SequenceSet.parse(r));
      }
      default -> throw ImapReader.syntax("command cannot take UID");
    };
  }

  private static ImapCommand authenticate(ImapReader r, String tag) {
    r.sp();
    String mechanism = r.atom().toUpperCase(java.util.Locale.ROOT);
    String initial = null;
    if (r.trySp()) {
      if (r.tryChar('=')) {
        initial = "=";
      } else {
        initial = r.atom();
      }
    }
    return new ImapCommand.Authenticate(tag, mechanism, initial);
  }

  private static ImapCommand id(ImapReader r, String tag) {
    r.sp();
    if (r.tryWord("NIL")) {
      return new ImapCommand.Id(tag, null);
    }
    r.open();
    Map<String, String> params = new LinkedHashMap<>();
    if (r.peek() != ')') {
      do {
        String key = r.string();
        r.sp();
        params.put(key, r.nstring());
        r.checkCount(params.size());
      } while (r.trySp());
    }
    r.close();
    return new ImapCommand.Id(tag, Collections.unmodifiableMap(params));
  }

  private static ImapCommand setQuota(ImapReader r, String tag) {
    r.sp();
    String root = r.astring();
    r.sp();
    r.open();
    Map<String, Long> limits = new LinkedHashMap<>();
    if (r.peek() != ')') {
      do {
        String resource = r.atom().toUpperCase(java.util.Locale.ROOT);
        r.sp();
        limits.put(resource, r.number());
        r.checkCount(limits.size());
      } while (r.trySp());
    }
    r.close();
    return new ImapCommand.SetQuota(tag, root, Collections.unmodifiableMap(limits));
  }

  /** SP mailbox. */
  String spMailbox(ImapReader r) {
    r.sp();
    return mailboxName(r.astring());
  }

  /** Normalises INBOX and decodes modified UTF-7 unless UTF8=ACCEPT is on. */
  String mailboxName(String wire) {
    if (wire.length() == 5 && wire.equalsIgnoreCase("INBOX")) {
      return "INBOX";
    }
    if (utf8Accept) {
      return wire;
    }
    try {
      return ModifiedUtf7.decode(wire);
    } catch (IllegalArgumentException e) {
      throw new ImapSyntaxException(ProtocolError.BAD_MAILBOX_NAME, "mailbox name is not modified UTF-7");
    }
  }

  private static String tag(ImapReader r) {
    int start = r.position();
    int i = start;
    int end = r.lineEnd();
    while (i < end && ImapChars.isTagChar(r.byteAt(i))) {
      i++;
    }
    if (i == start || i - start > 64) {
      throw ImapReader.syntax("missing or bad tag");
    }
    return r.takeAscii(i - start);
  }

  private static ImapCommand invalid(String tag, ProtocolError error, String detail) {
    return new ImapCommand.Invalid(tag, new DecodeFailure(error, tag, detail));
  }
}

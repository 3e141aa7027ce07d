package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed client command (RFC 3501 section 6, RFC 9051 section 6, and the extensions listed on
 * {@link ImapCommandParser}). Mailbox names are Unicode: decoded from modified UTF-7 unless the
 * session enabled UTF8=ACCEPT, and {@code INBOX} in any case is normalised to {@code INBOX}.
 * {@code uid} is true for the UID-prefixed form. Records holding credentials do not print them.
 */
public sealed interface ImapCommand {
  /** The command's tag; null only for {@link Done}. */
  String tag();

  record Capability(String tag) implements ImapCommand {}

  record Noop(String tag) implements ImapCommand {}

  record Logout(String tag) implements ImapCommand {}

  record StartTls(String tag) implements ImapCommand {}

  /**
   * AUTHENTICATE with an optional SASL-IR initial response (RFC 4959): base64 text, {@code "="} for
   * an empty response, or null when absent.
   */
  record Authenticate(String tag, String mechanism, String initialResponse) implements ImapCommand {
    @Override
    public String toString() {
      return "Authenticate[tag=" + tag + ", mechanism=" + mechanism
          + (initialResponse == null ? "" : ", initialResponse=<redacted>") + "]";
    }
  }

  record Login(String tag, String user, String password) implements ImapCommand {
    @Override
    public String toString() {
      return "Login[tag=" + tag + ", user=" + user + ", password=<redacted>]";
    }
  }

  /** QRESYNC parameters of SELECT/EXAMINE (RFC 7162 section 3.2.5); optional sets may be null. */
  record Qresync(long uidValidity, long modSeq, SequenceSet knownUids, SequenceSet knownSequences,
      SequenceSet knownSequenceUids) {}

  /** SELECT, or EXAMINE when {@code readOnly}; CONDSTORE and QRESYNC of RFC 7162. */
  record Select(String tag, String mailbox, boolean readOnly, boolean condStore, Qresync qresync)
      implements ImapCommand {}

  /** CREATE with the USE parameter of RFC 6154 (empty when absent). */
  record Create(String tag, String mailbox, List<String> specialUse) implements ImapCommand {}

  record Delete(String tag, String mailbox) implements ImapCommand {}

  record Rename(String tag, String from, String to) implements ImapCommand {}

  record Subscribe(String tag, String mailbox) implements ImapCommand {}

  record Unsubscribe(String tag, String mailbox) implements ImapCommand {}

  /**
   * LIST, extended (RFC 5258, RFC 6154, RFC 5819): selection options and return options upper
   * case; {@code statusItems} holds RETURN (STATUS (...)) or is empty.
   */
  record ListMailboxes(String tag, List<String> selectionOptions, String reference,
      List<String> patterns, List<String> returnOptions, List<StatusItem> statusItems)
      implements ImapCommand {}

  record Lsub(String tag, String reference, String pattern) implements ImapCommand {}

  record Namespace(String tag) implements ImapCommand {}

  /** STATUS data items (RFC 9051 section 6.3.11, RFC 7162, RFC 7889, RFC 8438, RFC 8474). */
  enum StatusItem {
    MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, APPENDLIMIT,
    DELETED_STORAGE, MAILBOXID;

    public String wire() {
      return this == DELETED_STORAGE ? "DELETED-STORAGE" : name();
    }
  }

  record Status(String tag, String mailbox, List<StatusItem> items) implements ImapCommand {}

  /**
   * One message of APPEND (RFC 9051 section 6.3.12, MULTIAPPEND RFC 3502, BINARY literal8 RFC
   * 3516). {@code content} is a retained slice, or null when the literal of {@code size} octets is
   * streamed as {@link ImapLiteralChunk}s after this command. {@code utf8} marks the {@code UTF8
   * (literal8)} data item of RFC 6855 section 4 (a message with UTF-8 header fields).
   */
  record AppendMessage(List<String> flags, OffsetDateTime internalDate, io.netty.buffer.ByteBuf content,
      long size, boolean binary, boolean utf8) {
    public AppendMessage(List<String> flags, OffsetDateTime internalDate, io.netty.buffer.ByteBuf content,
        long size, boolean binary) {
      this(flags, internalDate, content, size, binary, false);
    }

    public boolean streamed() {
      return content == null;
    }
  }

  /**
   * APPEND: the session must {@link #release()} it. When the last message is {@link
   * AppendMessage#streamed()} the chunks follow, then an {@link AppendContinuation}.
   */
  record Append(String tag, String mailbox, List<AppendMessage> messages) implements ImapCommand {
    public boolean streaming() {
      return !messages.isEmpty() && messages.get(messages.size() - 1).streamed();
    }

    public void release() {
      ImapCommands.release(messages);
    }
  }

  /**
   * The rest of an APPEND after a streamed message: more messages (MULTIAPPEND), possibly streamed
   * again; an empty list ends the command. Release it like {@link Append}.
   */
  record AppendContinuation(String tag, String mailbox, List<AppendMessage> messages)
      implements ImapCommand {
    public boolean streaming() {
      return !messages.isEmpty() && messages.get(messages.size() - 1).streamed();
    }

    public void release() {
      ImapCommands.release(messages);
    }
  }

  record Check(String tag) implements ImapCommand {}

  record Close(String tag) implements ImapCommand {}

  record Unselect(String tag) implements ImapCommand {}

  /** EXPUNGE, or UID EXPUNGE (RFC 4315) when {@code uidSet} is not null. */
  record Expunge(String tag, SequenceSet uidSet) implements ImapCommand {}

  /**
   * SEARCH; {@code returnOptions} is null without RETURN, else the ESEARCH options (RFC 4731, RFC
   * 5182 SAVE) upper case, possibly empty; {@code charset} is null when absent. The strings of
   * {@code key} were decoded with that charset when Java knows it ({@link #knownCharset}), else as
   * UTF-8.
   */
  record Search(String tag, boolean uid, List<String> returnOptions, String charset, SearchKey key)
      implements ImapCommand {

    /** The charset a SEARCH CHARSET names, empty if Java does not know it (or it is malformed). */
    public static Optional<Charset> knownCharset(String name) {
      try {
        return Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
      } catch (IllegalCharsetNameException e) {
        return Optional.empty();
      }
    }
  }

  /** The sort keys of RFC 5256 section 3, and DISPLAYFROM / DISPLAYTO of RFC 5957. */
  enum SortKey { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

  /** One sort-criterion of RFC 5256 section 4: a key, in descending order when {@code reverse}. */
  record SortCriterion(SortKey key, boolean reverse) {}

  /**
   * SORT / UID SORT (RFC 5256 section 3): at least one criterion, in order of precedence; the
   * charset (mandatory in SORT) and the search program are as in {@link Search}.
   */
  record Sort(String tag, boolean uid, List<SortCriterion> criteria, String charset, SearchKey key)
      implements ImapCommand {}

  /** The threading algorithms of RFC 5256 section 3. */
  enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }

  /**
   * THREAD / UID THREAD (RFC 5256 section 3); the charset (mandatory) and the search program are as
   * in {@link Search}.
   */
  record Thread(String tag, boolean uid, ThreadAlgorithm algorithm, String charset, SearchKey key)
      implements ImapCommand {}

  /**
   * FETCH with CHANGEDSINCE (-1 when absent) and VANISHED (RFC 7162 sections 3.1.4, 3.2.6).
   */
  record Fetch(String tag, boolean uid, SequenceSet set, List<FetchItem> items, long changedSince,
      boolean vanished) implements ImapCommand {}

  enum StoreMode { REPLACE, ADD, REMOVE }

  /** STORE with UNCHANGEDSINCE (-1 when absent, RFC 7162 section 3.1.3). */
  record Store(String tag, boolean uid, SequenceSet set, long unchangedSince, StoreMode mode,
      boolean silent, List<String> flags) implements ImapCommand {}

  record Copy(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapCommand {}

  record Move(String tag, boolean uid, SequenceSet set, String mailbox) implements ImapCommand {}

  record Idle(String tag) implements ImapCommand {}

  /** The {@code DONE} line that ends IDLE (RFC 2177); it has no tag. */
  record Done() implements ImapCommand {
    @Override
    public String tag() {
      return null;
    }
  }

  /**
   * A client line during AUTHENTICATE (RFC 9051 section 6.2.2): base64, or {@code *} to cancel.
   * Produced only after {@link ImapCommandDecoder#expectSaslResponse()}; never printed.
   */
  record SaslResponse(String response) implements ImapCommand {
    @Override
    public String tag() {
      return null;
    }

    public boolean cancelled() {
      return "*".equals(response);
    }

    @Override
    public String toString() {
      return "SaslResponse[<redacted>]";
    }
  }

  /** ID (RFC 2971); {@code parameters} is null for {@code ID NIL}; values may be null. */
  record Id(String tag, Map<String, String> parameters) implements ImapCommand {}

  record Enable(String tag, List<String> capabilities) implements ImapCommand {}

  record GetQuota(String tag, String root) implements ImapCommand {}

  record GetQuotaRoot(String tag, String mailbox) implements ImapCommand {}

  /** SETQUOTA (RFC 9208): resource name (upper case) to limit. */
  record SetQuota(String tag, String root, Map<String, Long> limits) implements ImapCommand {}

  record Compress(String tag, String mechanism) implements ImapCommand {}

  /** A command that could not be parsed: the session answers {@code failure} (usually BAD). */
  record Invalid(String tag, DecodeFailure failure) implements ImapCommand {}
}

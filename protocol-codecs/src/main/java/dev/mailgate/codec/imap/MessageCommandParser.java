package dev.mailgate.codec.imap;

import dev.mailgate.codec.imap.ImapCommand.StoreMode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SEARCH (RFC 9051 section 6.4.4 with ESEARCH RETURN, RFC 4731), FETCH with CHANGEDSINCE/VANISHED
 * (RFC 7162), STORE with UNCHANGEDSINCE, COPY and MOVE (RFC 6851), with or without UID.
 */
final class MessageCommandParser {
  private MessageCommandParser() {}

  static ImapCommand parse(
      ImapReader r, ImapCommandParser p, String tag, ImapCommandName name, boolean uid) {
    r.sp();
    return switch (name) {
      case SEARCH -> search(r, tag, uid);
      case FETCH -> fetch(r, tag, uid);
      case STORE -> store(r, tag, uid);
      case COPY -> {
        SequenceSet set = SequenceSet.parse(r);
        yield new ImapCommand.Copy(tag, uid, set, p.spMailbox(r));
      }
      case MOVE -> {
        SequenceSet set = SequenceSet.parse(r);
        yield new ImapCommand.Move(tag, uid, set, p.spMailbox(r));
      }
      default -> throw new IllegalStateException(name.name());
    };
  }

  /** The result options of ESEARCH (RFC 4731) and SEARCHRES (RFC 5182). */
  private static final Set<String> SEARCH_RETURN_OPTIONS = Set.of("MIN", "MAX", "ALL", "COUNT", "SAVE");

  /** search = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key). */
  private static ImapCommand search(ImapReader r, String tag, boolean uid) {
    List<String> returns = null;
    if (r.tryWord("RETURN")) {
      r.sp();
      r.open();
      returns = new ArrayList<>(2);
      if (r.peek() != ')') {
        do {
          String option = r.atom().toUpperCase(Locale.ROOT);
          if (!SEARCH_RETURN_OPTIONS.contains(option)) {
            // RFC 4731 section 3.1, RFC 4466 section 2.6.1: an option the server does not know
            // (PARTIAL, CONTEXT, UPDATE...) is a BAD, not an empty RETURN ().
            throw ImapReader.syntax("unknown SEARCH result option");
          }
          returns.add(option);
          r.checkCount(returns.size());
        } while (r.trySp());
      }
      r.close();
      r.sp();
    }
    String charset = null;
    if (r.tryWord("CHARSET")) {
      r.sp();
      charset = r.astring();
      r.sp();
    }
    return new ImapCommand.Search(tag, uid, returns, charset,
        SearchKeyParser.program(r, searchCharset(charset)));
  }

  /**
   * The charset the strings of a search program are decoded with (SEARCH, SORT and THREAD): the
   * one named, when Java knows it. US-ASCII is read as UTF-8, its superset, as before: 8-bit text
   * under that label still finds what the client meant. An unknown charset is refused by the
   * session; until then UTF-8.
   */
  static Charset searchCharset(String charset) {
    return charset == null || charset.equalsIgnoreCase("US-ASCII")
        ? StandardCharsets.UTF_8
        : ImapCommand.Search.knownCharset(charset).orElse(StandardCharsets.UTF_8);
  }

  /** fetch = "FETCH" SP sequence-set SP items [SP "(" fetch-modifier *(SP fetch-modifier) ")"]. */
  private static ImapCommand fetch(ImapReader r, String tag, boolean uid) {
    SequenceSet set = SequenceSet.parse(r);
    r.sp();
    List<FetchItem> items = FetchItemParser.items(r);
    long changedSince = -1;
    boolean vanished = false;
    if (r.trySp()) {
      r.open();
      do {
        if (r.tryWord("CHANGEDSINCE")) {
          r.sp();
          changedSince = r.number();
        } else if (r.tryWord("VANISHED")) {
          vanished = true;
        } else {
          throw ImapReader.syntax("unknown fetch modifier");
        }
      } while (r.trySp());
      r.close();
    }
    if (vanished && (!uid || changedSince < 0)) {
      throw ImapReader.syntax("VANISHED needs UID FETCH with CHANGEDSINCE");
    }
    return new ImapCommand.Fetch(tag, uid, set, items, changedSince, vanished);
  }

  /** store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags. */
  private static ImapCommand store(ImapReader r, String tag, boolean uid) {
    SequenceSet set = SequenceSet.parse(r);
    r.sp();
    long unchangedSince = -1;
    if (r.peek() == '(') {
      r.open();
      if (!r.tryWord("UNCHANGEDSINCE")) {
        throw ImapReader.syntax("unknown store modifier");
      }
      r.sp();
      unchangedSince = r.number();
      r.close();
      r.sp();
    }
    StoreMode mode = r.tryChar('+') ? StoreMode.ADD : r.tryChar('-') ? StoreMode.REMOVE
        : StoreMode.REPLACE;
    boolean silent;
    if (r.tryWord("FLAGS.SILENT")) {
      silent = true;
    } else if (r.tryWord("FLAGS")) {
      silent = false;
    } else {
      throw ImapReader.syntax("expected FLAGS");
    }
    r.sp();
    List<String> flags;
    if (r.peek() == '(') {
      flags = MailboxCommandParser.flagList(r);
    } else {
      flags = new ArrayList<>(2);
      MailboxCommandParser.flags(r, flags);
    }
    return new ImapCommand.Store(tag, uid, set, unchangedSince, mode, silent, flags);
  }
}

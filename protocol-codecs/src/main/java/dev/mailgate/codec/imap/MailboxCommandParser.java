package dev.mailgate.codec.imap;

import dev.mailgate.codec.imap.ImapCommand.StatusItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SELECT/EXAMINE with CONDSTORE/QRESYNC (RFC 7162 section 3.2.5), CREATE with USE (RFC 6154
 * section 3), extended LIST (RFC 5258, RFC 5819, RFC 6154) and STATUS (RFC 9051 section 6.3.11).
 */
final class MailboxCommandParser {
  private static final Keywords<StatusItem> STATUS_ITEMS =
      new Keywords<>(StatusItem.class, StatusItem::wire);

  private MailboxCommandParser() {}

  static ImapCommand select(ImapReader r, ImapCommandParser p, String tag, boolean readOnly) {
    String mailbox = p.spMailbox(r);
    boolean condStore = false;
    ImapCommand.Qresync qresync = null;
    if (r.trySp()) {
      r.open();
      do {
        if (r.tryWord("CONDSTORE")) {
          condStore = true;
        } else if (r.tryWord("QRESYNC")) {
          r.sp();
          qresync = qresync(r);
        } else {
          throw ImapReader.syntax("unknown select parameter");
        }
      } while (r.trySp());
      r.close();
    }
    return new ImapCommand.Select(tag, mailbox, readOnly, condStore, qresync);
  }

  /** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")". */
  private static ImapCommand.Qresync qresync(ImapReader r) {
    r.open();
    long uidValidity = r.nzNumber();
    r.sp();
    long modSeq = r.number();
    SequenceSet knownUids = null;
    SequenceSet knownSeq = null;
    SequenceSet knownSeqUids = null;
    if (r.trySp()) {
      if (r.peek() != '(') {
        knownUids = SequenceSet.parse(r);
        r.trySp();
      }
      if (r.peek() == '(') {
        r.open();
        knownSeq = SequenceSet.parse(r);
        r.sp();
        knownSeqUids = SequenceSet.parse(r);
        r.close();
      }
    }
    r.close();
    return new ImapCommand.Qresync(uidValidity, modSeq, knownUids, knownSeq, knownSeqUids);
  }

  static ImapCommand create(ImapReader r, ImapCommandParser p, String tag) {
    String mailbox = p.spMailbox(r);
    List<String> use = List.of();
    if (r.trySp()) {
      r.open();
      if (!r.tryWord("USE")) {
        throw ImapReader.syntax("unknown create parameter");
      }
      r.sp();
      r.open();
      use = new ArrayList<>(2);
      do {
        r.expect('\\');
        use.add("\\" + r.atom());
        r.checkCount(use.size());
      } while (r.trySp());
      r.close();
      r.close();
    }
    return new ImapCommand.Create(tag, mailbox, use);
  }

  /**
   * list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts].
   */
  static ImapCommand list(ImapReader r, ImapCommandParser p, String tag) {
    r.sp();
    List<String> selection = List.of();
    if (r.peek() == '(') {
      selection = options(r);
      r.sp();
    }
    String reference = p.mailboxName(r.astring());
    r.sp();
    List<String> patterns = new ArrayList<>(1);
    if (r.peek() == '(') {
      r.open();
      do {
        patterns.add(p.mailboxName(r.listMailbox()));
        r.checkCount(patterns.size());
      } while (r.trySp());
      r.close();
    } else {
      patterns.add(p.mailboxName(r.listMailbox()));
    }
    List<String> returns = List.of();
    List<StatusItem> statusItems = List.of();
    if (r.trySp()) {
      if (!r.tryWord("RETURN")) {
        throw ImapReader.syntax("expected RETURN");
      }
      r.sp();
      r.open();
      returns = new ArrayList<>(2);
      if (r.peek() != ')') {
        do {
          String opt = r.atom().toUpperCase(Locale.ROOT);
          returns.add(opt);
          if (opt.equals("STATUS")) {
            r.sp();
            statusItems = statusItems(r);
          }
          r.checkCount(returns.size());
        } while (r.trySp());
      }
      r.close();
    }
    return new ImapCommand.ListMailboxes(tag, selection, reference, patterns, returns, statusItems);
  }

  private static List<String> options(ImapReader r) {
    r.open();
    List<String> opts = new ArrayList<>(2);
    if (r.peek() != ')') {
      do {
        opts.add(r.atom().toUpperCase(Locale.ROOT));
        r.checkCount(opts.size());
      } while (r.trySp());
    }
    r.close();
    return opts;
  }

  static ImapCommand status(ImapReader r, ImapCommandParser p, String tag) {
    String mailbox = p.spMailbox(r);
    r.sp();
    return new ImapCommand.Status(tag, mailbox, statusItems(r));
  }

  /** "(" status-att *(SP status-att) ")". */
  static List<StatusItem> statusItems(ImapReader r) {
    r.open();
    List<StatusItem> items = new ArrayList<>(4);
    do {
      items.add(r.requireKeyword(STATUS_ITEMS, r.atomLength(), "status item"));
      r.checkCount(items.size());
    } while (r.trySp());
    r.close();
    return items;
  }

  /** flag-list = "(" [flag *(SP flag)] ")". */
  static List<String> flagList(ImapReader r) {
    r.open();
    List<String> flags = new ArrayList<>(2);
    if (r.peek() != ')') {
      flags(r, flags);
    }
    r.close();
    return flags;
  }

  /** flag *(SP flag), appended to {@code out}. */
  static void flags(ImapReader r, List<String> out) {
    do {
      out.add(flag(r));
      r.checkCount(out.size());
    } while (r.trySp());
  }

  /** flag = "\" atom / atom. */
  static String flag(ImapReader r) {
    if (r.tryChar('\\')) {
      return "\\" + r.atom();
    }
    return r.atom();
  }
}

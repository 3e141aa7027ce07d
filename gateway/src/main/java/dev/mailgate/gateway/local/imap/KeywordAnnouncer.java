package dev.mailgate.gateway.local.imap;

import dev.mailgate.mailbox.store.Flags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The FLAGS a session has told its client (RFC 3501 section 7.2.6), kept up to date: FLAGS lists
 * the flags applicable in the mailbox, so when a STORE, a delivery or another session brings a new
 * keyword into the selected mailbox, FLAGS is sent again before the first response that shows it,
 * as Dovecot does. Clients that track keywords (and imaptest, which reports "Keyword used without
 * being in FLAGS") rely on it. PERMANENTFLAGS needs no update: its \* already allows any keyword.
 * Keywords are never withdrawn while the mailbox stays selected.
 */
final class KeywordAnnouncer {
  private KeywordAnnouncer() {}

  /** The FLAGS line listing the system flags and the keywords announced so far. */
  static ByteBuf flagsLine(ByteBufAllocator alloc, SelectedMailbox view) {
    List<String> flags = new ArrayList<>(FlagNames.SYSTEM);
    flags.addAll(view.announcedKeywords());
    return ChangeReporter.line(alloc, "* FLAGS (" + String.join(" ", flags) + ")");
  }

  /** Announces again, before a response showing {@code shown}, if it holds a keyword not yet listed. */
  static void ensure(ByteBufAllocator alloc, SelectedMailbox view, Flags shown, List<ByteBuf> out) {
    if (view.announceKeywords(shown.keywords())) {
      out.add(flagsLine(alloc, view));
    }
  }
}

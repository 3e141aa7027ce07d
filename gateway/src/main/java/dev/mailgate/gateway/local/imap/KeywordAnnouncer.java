package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapResponseEncoder;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.store.Flags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The FLAGS and PERMANENTFLAGS a session has told its client (RFC 3501 sections 7.2.6 and 7.1),
 * kept up to date. Both list the keywords in use in the mailbox besides the system flags, as
 * Dovecot's do: clients offer the keywords FLAGS names, and PERMANENTFLAGS says they are kept.
 * When a STORE, a delivery or another session brings a new keyword into the selected mailbox,
 * both are sent again before the first response that shows it, as Dovecot does; clients that track
 * keywords (and imaptest, which reports "Keyword used without being in FLAGS") rely on it. Keywords
 * are never withdrawn while the mailbox stays selected.
 *
 * <p>Limit: a mailbox lists at most {@link #MAX_MAILBOX_KEYWORDS} keywords, so both lines stay
 * short whatever the messages carry. Below it PERMANENTFLAGS ends in {@code \*} (new keywords may
 * be created); at it the {@code \*} goes, and a STORE that would bring in another keyword is
 * refused ({@link #wouldExceed}), {@code NO [LIMIT]} (RFC 5530 section 3). That check only saves a
 * store round trip: the store itself refuses, in the write's transaction, any APPEND, COPY, MOVE
 * or STORE (from whatever session or node) that would bring the mailbox past the limit
 * ({@code MailboxKeywords}; {@link Failures} answers the same {@code NO [LIMIT]}).
 */
final class KeywordAnnouncer {
  /** As many keywords as one message may carry ({@link Flags#MAX_KEYWORDS}). */
  static final int MAX_MAILBOX_KEYWORDS = Flags.MAX_KEYWORDS;
  /** The text of the {@code NO [LIMIT]} that refuses a keyword beyond the limit. */
  static final String TOO_MANY = "Too many keywords in this mailbox (at most " + MAX_MAILBOX_KEYWORDS + ")";

  private KeywordAnnouncer() {}

  /** FLAGS and PERMANENTFLAGS, listing the system flags and the keywords announced so far. */
  static List<ByteBuf> flagsLines(ByteBufAllocator alloc, SelectedMailbox view) {
    List<String> flags = new ArrayList<>(FlagNames.SYSTEM);
    flags.addAll(view.announcedKeywords());
    ByteBuf flagsLine = ChangeReporter.line(alloc, "* FLAGS (" + String.join(" ", flags) + ")");
    if (view.readOnly) {
      return List.of(flagsLine, ImapResponseEncoder.untagged(alloc, ImapStatus.OK,
          ResponseCode.permanentFlags(List.of()), "Read-only mailbox."));
    }
    if (view.announcedKeywords().size() < MAX_MAILBOX_KEYWORDS) {
      flags.add("\\*");
    }
    return List.of(flagsLine, ImapResponseEncoder.untagged(alloc, ImapStatus.OK,
        ResponseCode.permanentFlags(flags), "Flags permitted."));
  }

  /** Announces again, before a response showing {@code shown}, if it holds a keyword not yet listed. */
  static void ensure(ByteBufAllocator alloc, SelectedMailbox view, Flags shown, List<ByteBuf> out) {
    if (view.announceKeywords(shown.keywords())) {
      out.addAll(flagsLines(alloc, view));
    }
  }

  /** Whether storing {@code keywords} would bring the mailbox beyond its keyword limit. */
  static boolean wouldExceed(SelectedMailbox view, Set<String> keywords) {
    int known = view.announcedKeywords().size();
    for (String k : keywords) {
      if (!view.announcedKeywords().contains(k) && ++known > MAX_MAILBOX_KEYWORDS) {
        return true;
      }
    }
    return false;
  }
}

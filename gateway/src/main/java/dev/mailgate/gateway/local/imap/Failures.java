package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.store.MailStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The one table from store failures to tagged IMAP responses (RFC 5530 response codes; PRODUCT.md
 * "How it answers"): a refused command leaves the session usable.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static Mono<Void> reply(ImapSession session, String tag, Throwable e) {
    if (e instanceof MailStoreException m) {
      return session.tagged(tag, ImapStatus.NO, code(m.reason()), text(m.reason()));
    }
    if (e instanceof BinarySections.UnknownCte) {
      return session.tagged(tag, ImapStatus.NO, ResponseCode.UNKNOWN_CTE, safe(e.getMessage()));
    }
    if (e instanceof IllegalArgumentException) {
      return session.tagged(tag, ImapStatus.BAD, null, safe(e.getMessage()));
    }
    LOG.warn("{}: command failed", session.context, e);
    return session.tagged(tag, ImapStatus.NO, ResponseCode.SERVERBUG, "Internal error");
  }

  static ResponseCode code(MailStoreException.Reason reason) {
    return switch (reason) {
      case NO_SUCH_MAILBOX -> ResponseCode.NONEXISTENT;
      case NO_SUCH_MESSAGE -> ResponseCode.EXPUNGEISSUED;
      case ALREADY_EXISTS -> ResponseCode.ALREADYEXISTS;
      case CANNOT, NOT_SELECTABLE -> ResponseCode.CANNOT;
      case OVER_QUOTA -> ResponseCode.OVERQUOTA;
      case TOO_BIG -> ResponseCode.TOOBIG;
      case BUSY, TOO_MANY_KEYWORDS -> ResponseCode.LIMIT;
      case NO_SUCH_USER, UNAVAILABLE -> ResponseCode.UNAVAILABLE;
    };
  }

  private static String text(MailStoreException.Reason reason) {
    return switch (reason) {
      case NO_SUCH_MAILBOX -> "Mailbox does not exist";
      case NO_SUCH_MESSAGE -> "Message was expunged";
      case ALREADY_EXISTS -> "Mailbox already exists";
      case CANNOT -> "Operation not permitted on this mailbox";
      case NOT_SELECTABLE -> "Mailbox is not selectable";
      case OVER_QUOTA -> "Quota exceeded";
      case TOO_BIG -> "Message too big";
      case BUSY -> "Server busy, try again later";
      case TOO_MANY_KEYWORDS -> KeywordAnnouncer.TOO_MANY;
      case NO_SUCH_USER, UNAVAILABLE -> "Mail store unavailable";
    };
  }

  /** Exception text for a BAD reply, never with CR or LF. */
  static String safe(String s) {
    if (s == null) {
      return "Invalid arguments";
    }
    return s.replace('\r', ' ').replace('\n', ' ');
  }
}

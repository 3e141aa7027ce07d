package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapCommand.StatusItem;
import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.SpecialUse;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Mailbox management in the authenticated state: CREATE with USE (RFC 3501 section 6.3.3, RFC 6154
 * section 3), DELETE, RENAME (INBOX too), SUBSCRIBE / UNSUBSCRIBE, STATUS (RFC 3501 section
 * 6.3.10, with HIGHESTMODSEQ of RFC 7162, APPENDLIMIT of RFC 7889, SIZE of RFC 8438), NAMESPACE
 * (RFC 2342), ENABLE (RFC 5161: CONDSTORE, QRESYNC, UTF8=ACCEPT of RFC 6855) and GETQUOTA / GETQUOTAROOT (RFC 9208, one root "" per user).
 */
final class MailboxCommands {
  private final ImapSession session;

  MailboxCommands(ImapSession session) {
    this.session = session;
  }

  /**
   * The store's name for a wire name; a trailing delimiter is dropped (RFC 3501 section 6.3.3). A
   * well-formed string that is no valid name ("", an empty level, too deep) fails with {@link
   * MailStoreException.Reason#CANNOT}, answered NO [CANNOT] as Dovecot does: the command parsed, so
   * it is no BAD, and a CREATE of it "can't create mailbox with that name".
   */
  static MailboxName name(String wire) {
    String v = wire;
    while (v.length() > 1 && v.charAt(v.length() - 1) == MailboxName.DELIMITER) {
      v = v.substring(0, v.length() - 1);
    }
    try {
      return MailboxName.of(v);
    } catch (IllegalArgumentException e) {
      throw new MailStoreException(MailStoreException.Reason.CANNOT, "invalid mailbox name: " + e.getMessage());
    }
  }

  Mono<Void> create(ImapCommand.Create c) {
    Set<SpecialUse> uses = EnumSet.noneOf(SpecialUse.class);
    for (String u : c.specialUse()) {
      SpecialUse use = specialUse(u);
      if (use == null) {
        return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.of("USEATTR"), "Unsupported special use");
      }
      uses.add(use);
    }
    return session.server.store().create(session.user, name(c.mailbox()), uses)
        .then(session.complete(c.tag(), null, "CREATE completed"));
  }

  static SpecialUse specialUse(String attr) {
    String a = attr.startsWith("\\") ? attr.substring(1) : attr;
    for (SpecialUse u : SpecialUse.values()) {
      if (u.defaultName().equalsIgnoreCase(a)) {
        return u;
      }
    }
    return null;
  }

  static String attribute(SpecialUse use) {
    return "\\" + use.defaultName();
  }

  Mono<Void> delete(ImapCommand.Delete c) {
    return session.server.store().delete(session.user, name(c.mailbox()))
        .then(session.complete(c.tag(), null, "DELETE completed"));
  }

  Mono<Void> rename(ImapCommand.Rename c) {
    return session.server.store().rename(session.user, name(c.from()), name(c.to()))
        .then(session.complete(c.tag(), null, "RENAME completed"));
  }

  Mono<Void> subscribe(String tag, String mailbox, boolean on) {
    return session.server.store().subscribe(session.user, name(mailbox), on)
        .then(session.complete(tag, null, (on ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed"));
  }

  Mono<Void> namespace(String tag) {
    ByteBuf ns = ChangeReporter.line(session.alloc,
        "* NAMESPACE ((\"\" \"" + MailboxName.DELIMITER + "\")) NIL NIL");
    return session.send(List.of(ns)).then(session.complete(tag, null, "NAMESPACE completed"));
  }

  /**
   * STATUS of one mailbox. A \Noselect name (left by DELETE above a child) holds no mailbox, so it
   * has no status (RFC 3501 section 6.3.10): NO [CANNOT], as SELECT and APPEND answer it.
   */
  Mono<Void> status(ImapCommand.Status c) {
    return session.server.store().mailbox(session.user, name(c.mailbox()))
        .flatMap(info -> info.selectable() ? Mono.just(info)
            : Mono.error(new MailStoreException(MailStoreException.Reason.NOT_SELECTABLE, "mailbox is \\Noselect")))
        .flatMap(info -> session.send(List.of(statusLine(info, c.items(), c.mailbox()))))
        .then(session.complete(c.tag(), null, "STATUS completed"));
  }

  /**
   * {@code * STATUS name (MESSAGES n ...)}; items the store cannot count are left out. For the
   * mailbox this session has selected, MESSAGES and RECENT are the session's own (as Dovecot
   * answers): \Recent is per session (RFC 3501 section 2.3.2), so the store's count of unclaimed
   * messages would say 0 for messages this session shows as recent, and counts the session has not
   * been told of yet (RFC 3501 section 7.4.1) would contradict its EXISTS.
   */
  ByteBuf statusLine(MailboxInfo info, List<StatusItem> items, String wireName) {
    ImapResponseWriter w = session.writer().untagged().atom("STATUS").sp()
        .mailbox(info.name().value()).sp().open();
    SelectedMailbox view = session.selected != null && session.selected.id.equals(info.id())
        ? session.selected : null;
    boolean first = true;
    for (StatusItem item : items) {
      long value;
      switch (item) {
        case MESSAGES -> value = view != null ? view.count() : info.messages();
        case UIDNEXT -> value = info.uidNext();
        case UIDVALIDITY -> value = info.uidValidity();
        case UNSEEN -> value = info.unseen();
        case DELETED -> value = info.deleted();
        case SIZE -> value = info.bytes();
        case RECENT -> value = view != null ? view.recentCount() : info.recent();
        case HIGHESTMODSEQ -> value = info.highestModSeq();
        case APPENDLIMIT -> value = session.server.settings().appendLimit();
        default -> value = -1;
      }
      if (value < 0 && item != StatusItem.MAILBOXID) {
        continue;
      }
      if (!first) {
        w.sp();
      }
      first = false;
      if (item == StatusItem.MAILBOXID) {
        w.atom("MAILBOXID").sp().open().atom("M" + info.id().value()).close();
      } else {
        w.atom(item.wire()).sp().number(value);
      }
    }
    return w.close().crlf().build();
  }

  Mono<Void> enable(ImapCommand.Enable c) {
    List<String> enabled = new ArrayList<>();
    Mono<Void> highest = Mono.empty();
    for (String cap : c.capabilities()) {
      String u = cap.toUpperCase(Locale.ROOT);
      if (u.equals("CONDSTORE") && !session.condStore) {
        highest = session.enableCondStore();
        enabled.add(u);
      } else if (u.equals("UTF8=ACCEPT") && !session.utf8) {
        session.utf8 = true;
        session.parser.utf8Accept(true);
        enabled.add(u);
      } else if (u.equals("QRESYNC") && !session.qresync) {
        session.qresync = true;
        if (!session.condStore) {
          highest = session.enableCondStore();
        }
        enabled.add(u);
      }
    }
    ByteBuf line = ChangeReporter.line(session.alloc,
        enabled.isEmpty() ? "* ENABLED" : "* ENABLED " + String.join(" ", enabled));
    return session.send(List.of(line)).then(highest)
        .then(session.complete(c.tag(), null, "ENABLE completed"));
  }

  Mono<Void> getQuotaRoot(ImapCommand.GetQuotaRoot c) {
    MailboxName n = name(c.mailbox());
    return session.server.store().mailbox(session.user, n)
        .then(session.server.store().quota(session.user))
        .flatMap(q -> {
          ByteBuf root = session.writer().untagged().atom("QUOTAROOT").sp()
              .mailbox(n.value()).sp().string("").crlf().build();
          return session.send(List.of(root, quotaLine(q)));
        })
        .then(session.complete(c.tag(), null, "GETQUOTAROOT completed"));
  }

  Mono<Void> getQuota(ImapCommand.GetQuota c) {
    if (!c.root().isEmpty()) {
      return session.tagged(c.tag(), ImapStatus.NO, ResponseCode.NONEXISTENT, "No such quota root");
    }
    return session.server.store().quota(session.user)
        .flatMap(q -> session.send(List.of(quotaLine(q))))
        .then(session.complete(c.tag(), null, "GETQUOTA completed"));
  }

  /** {@code * QUOTA "" (STORAGE used limit MESSAGE used limit)}, STORAGE in KiB (RFC 9208 section 5.1). */
  private ByteBuf quotaLine(Quota q) {
    List<String> parts = new ArrayList<>();
    if (q.storageLimit() != Quota.UNLIMITED) {
      parts.add("STORAGE " + (q.storageUsed() + 1023) / 1024 + " " + q.storageLimit() / 1024);
    }
    if (q.messageLimit() != Quota.UNLIMITED) {
      parts.add("MESSAGE " + q.messagesUsed() + " " + q.messageLimit());
    }
    return ChangeReporter.line(session.alloc, "* QUOTA \"\" (" + String.join(" ", parts) + ")");
  }
}

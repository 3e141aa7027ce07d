package dev.mailgate.mailbox.search;

import dev.mailgate.mailbox.mime.BodyPart;
import dev.mailgate.mailbox.mime.HeaderBlock;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.mime.SearchableAddresses;
import dev.mailgate.mailbox.search.SearchCriteria.DateOp;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.UidSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Evaluates a {@link SearchCriteria} tree against the messages of a mailbox. Metadata criteria
 * (flags, sizes, dates, UIDs, MODSEQ) are decided from the index; HEADER/BODY/TEXT read the
 * message through the store, lazily and only for messages the cheap criteria did not already
 * decide: the header block once per message (capped at {@link #MAX_HEADER_BYTES}), text parts
 * streamed chunk by chunk through {@link TransferDecoder} and {@link TextMatcher}, stopping at the
 * first match. Messages are evaluated one after the other, so memory stays bounded. A message
 * expunged while the search runs is not found (RFC 2180 section 4.1: answer with what exists).
 */
public final class SearchEvaluator {
  public static final int MAX_HEADER_BYTES = 256 * 1024;

  private final MailStore store;

  /**
   * BEFORE, ON and SINCE compare INTERNALDATE's date in the zone it was stored with ("disregarding
   * time and timezone", RFC 3501 section 6.4.4): a message APPENDed at 25-Mar-2007 01:00 +0200 is ON
   * 25-Mar-2007 wherever the server runs, as Dovecot's imaptest {@code search-intdate} expects.
   */
  public SearchEvaluator(MailStore store) {
    this.store = store;
  }

  /** The UIDs of the matching messages, ascending. */
  public Flux<Long> search(MailboxId mailbox, SearchCriteria criteria, SequenceView view) {
    if (criteria.nodeCount() > SearchCriteria.MAX_NODES) {
      return Flux.error(new IllegalArgumentException("search criteria too large"));
    }
    UidSet scope = criteria instanceof SearchCriteria.Uids u ? u.uids() : UidSet.all();
    boolean content = criteria.needsContent();
    return store.messages(mailbox, scope)
        .concatMap(m -> {
          if (!content) {
            return Mono.just(cheap(criteria, m, view) == Boolean.TRUE ? m.uid() : -1L);
          }
          // Expunged by another session after its metadata was read: it is no longer there to be
          // found, and the rest of the mailbox still answers the search.
          return matches(criteria, new Message(mailbox, m), view).map(ok -> ok ? m.uid() : -1L)
              .onErrorResume(SearchEvaluator::gone, e -> Mono.just(-1L));
        }, 1)
        .filter(uid -> uid > 0);
  }

  private static boolean gone(Throwable e) {
    return e instanceof MailStoreException m && m.reason() == MailStoreException.Reason.NO_SUCH_MESSAGE;
  }

  /** Per-message lazily loaded content. */
  private final class Message {
    final MailboxId mailbox;
    final MessageMeta meta;
    final Mono<MessageStructure> structure;
    final Mono<HeaderBlock> header;

    Message(MailboxId mailbox, MessageMeta meta) {
      this.mailbox = mailbox;
      this.meta = meta;
      this.structure = store.structure(mailbox, meta.uid()).cache();
      this.header = structure.flatMap(s -> collect(s.header())).cache();
    }

    private Mono<HeaderBlock> collect(ByteRange range) {
      ByteRange capped = new ByteRange(range.offset(), Math.min(range.length(), MAX_HEADER_BYTES));
      return store.content(mailbox, meta.uid(), capped)
          .reduce(new ByteArrayOutputStream(), (out, b) -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
            return out;
          })
          .map(out -> new HeaderBlock(out.toByteArray(), out.size()));
    }
  }

  /** Decides from metadata alone: TRUE, FALSE, or null when content is needed. */
  private Boolean cheap(SearchCriteria c, MessageMeta m, SequenceView view) {
    if (c instanceof SearchCriteria.All) {
      return true;
    } else if (c instanceof SearchCriteria.Sequences s) {
      long msn = view.msn(m.uid());
      return msn > 0 && s.numbers().contains(msn);
    } else if (c instanceof SearchCriteria.Uids u) {
      return u.uids().contains(m.uid());
    } else if (c instanceof SearchCriteria.HasFlag f) {
      return m.flags().has(f.flag()) == f.set();
    } else if (c instanceof SearchCriteria.HasKeyword k) {
      return m.flags().hasKeyword(k.keyword()) == k.set();
    } else if (c instanceof SearchCriteria.Larger l) {
      return m.size() > l.size();
    } else if (c instanceof SearchCriteria.Smaller s) {
      return m.size() < s.size();
    } else if (c instanceof SearchCriteria.Internal d) {
      return compare(d.op(), m.internalDate().toLocalDate(), d.date());
    } else if (c instanceof SearchCriteria.Sent d) {
      return compare(d.op(), sentDay(m), d.date());
    } else if (c instanceof SearchCriteria.ModSeqAtLeast q) {
      return m.modSeq() >= q.modSeq();
    } else if (c instanceof SearchCriteria.Not n) {
      Boolean inner = cheap(n.criteria(), m, view);
      return inner == null ? null : !inner;
    } else if (c instanceof SearchCriteria.And a) {
      boolean unknown = false;
      for (SearchCriteria x : a.all()) {
        Boolean r = cheap(x, m, view);
        if (r == Boolean.FALSE) {
          return false;
        }
        unknown |= r == null;
      }
      return unknown ? null : true;
    } else if (c instanceof SearchCriteria.Or o) {
      Boolean l = cheap(o.left(), m, view);
      Boolean r = cheap(o.right(), m, view);
      if (l == Boolean.TRUE || r == Boolean.TRUE) {
        return true;
      }
      return l == null || r == null ? null : false;
    }
    return null; // Header, Body, Text
  }

  private Mono<Boolean> matches(SearchCriteria c, Message msg, SequenceView view) {
    Boolean decided = cheap(c, msg.meta, view);
    if (decided != null) {
      return Mono.just(decided);
    }
    if (c instanceof SearchCriteria.Not n) {
      return matches(n.criteria(), msg, view).map(b -> !b);
    } else if (c instanceof SearchCriteria.And a) {
      return Flux.fromIterable(a.all()).concatMap(x -> matches(x, msg, view), 1).all(b -> b);
    } else if (c instanceof SearchCriteria.Or o) {
      return Flux.just(o.left(), o.right()).concatMap(x -> matches(x, msg, view), 1).any(b -> b);
    } else if (c instanceof SearchCriteria.Header h) {
      return msg.header.map(hb -> headerContains(hb, h.name(), h.contains()));
    } else if (c instanceof SearchCriteria.Address a) {
      return msg.header.map(hb -> addressContains(hb, a.field(), a.contains()));
    } else if (c instanceof SearchCriteria.Body b) {
      return bodyContains(msg, b.contains());
    } else if (c instanceof SearchCriteria.Text t) {
      return msg.header.map(hb -> anyHeaderContains(hb, t.contains()))
          .flatMap(found -> found ? Mono.just(true) : partHeadersContain(msg, t.contains()))
          .flatMap(found -> found ? Mono.just(true) : bodyContains(msg, t.contains()));
    }
    return Mono.error(new IllegalStateException("unhandled criteria " + c));
  }

  /**
   * The day the message was sent: the Date: header's, stored as written with its zone undone, so
   * read in UTC whatever the zone; without a parseable Date: the internal date's day, compared like
   * BEFORE/ON/SINCE, as RFC 5256 section 2.2 defines the sent date (a message is never undated).
   */
  private LocalDate sentDay(MessageMeta m) {
    return m.sentDate().map(sent -> sent.atZone(ZoneOffset.UTC).toLocalDate())
        .orElseGet(() -> m.internalDate().toLocalDate());
  }

  private static boolean compare(DateOp op, LocalDate d, LocalDate date) {
    return switch (op) {
      case BEFORE -> d.isBefore(date);
      case ON -> d.isEqual(date);
      case SINCE -> !d.isBefore(date);
    };
  }

  private static boolean headerContains(HeaderBlock hb, String name, String needle) {
    String lower = name.toLowerCase(Locale.ROOT);
    String folded = TextMatcher.fold(needle);
    for (HeaderBlock.Field f : hb.fields()) {
      if (f.name().equals(lower) && TextMatcher.fold(decoded(f.value())).contains(folded)) {
        return true;
      }
    }
    return false;
  }

  private static boolean addressContains(HeaderBlock hb, String field, String needle) {
    String lower = field.toLowerCase(Locale.ROOT);
    String folded = TextMatcher.fold(needle);
    for (HeaderBlock.Field f : hb.fields()) {
      if (!f.name().equals(lower)) {
        continue;
      }
      if (folded.isEmpty()) {
        return true; // the field exists, even if no address could be read from it
      }
      for (String address : SearchableAddresses.of(f.value())) {
        if (TextMatcher.fold(address).contains(folded)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean anyHeaderContains(HeaderBlock hb, String needle) {
    String folded = TextMatcher.fold(needle);
    for (HeaderBlock.Field f : hb.fields()) {
      if (TextMatcher.fold(f.name() + ": " + decoded(f.value())).contains(folded)) {
        return true;
      }
    }
    return false;
  }

  private static String decoded(String raw) {
    return DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT);
  }

  /**
   * BODY: a text part contains the string. The empty string is in every body, also an empty one or
   * one without a text part, where no part's content would be read to say so.
   */
  private Mono<Boolean> bodyContains(Message msg, String needle) {
    if (needle.isEmpty()) {
      return Mono.just(true);
    }
    return msg.structure.flatMap(s -> {
      List<BodyPart> texts = new ArrayList<>();
      textParts(s.root(), texts);
      return Flux.fromIterable(texts).concatMap(p -> partContains(msg, p, needle), 1).any(b -> b);
    });
  }

  /**
   * TEXT searches "the header or body of the message" (RFC 3501 section 6.4.4, RFC 9051 section
   * 6.4.4), and everything after the message's own header is its body: the header fields of every
   * nested MIME part (Content-Type name, Content-Disposition filename, Content-Description) and
   * the header of an encapsulated message/rfc822 (the header of the entity below it). One part
   * header at a time, each capped at {@link #MAX_HEADER_BYTES}.
   */
  private Mono<Boolean> partHeadersContain(Message msg, String needle) {
    return msg.structure.flatMap(s -> {
      List<BodyPart> parts = new ArrayList<>();
      for (BodyPart c : s.root().children()) {
        entities(c, parts);
      }
      return Flux.fromIterable(parts)
          .map(MessageStructure::mime)
          .filter(r -> r.length() > 0)
          .concatMap(msg::collect, 1)
          .any(hb -> anyHeaderContains(hb, needle));
    });
  }

  /** {@code p} and every entity below it, depth first in the order they appear in the message. */
  private static void entities(BodyPart p, List<BodyPart> out) {
    out.add(p);
    for (BodyPart c : p.children()) {
      entities(c, out);
    }
  }

  private static void textParts(BodyPart p, List<BodyPart> out) {
    if (p.isMultipart() || p.isMessage()) {
      for (BodyPart c : p.children()) {
        textParts(c, out); // for message/rfc822: the nested message's text parts
      }
    } else if (p.type().equals("text")) {
      out.add(p);
    }
  }

  private Mono<Boolean> partContains(Message msg, BodyPart part, String needle) {
    TransferDecoder decoder = TransferDecoder.of(part.encoding());
    TextMatcher matcher = new TextMatcher(needle, charset(part.params().get("charset")));
    return store.content(msg.mailbox, msg.meta.uid(), MessageStructure.content(part))
        .map(decoder::decode)
        .any(matcher::feed);
  }

  private static Charset charset(String name) {
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }
}

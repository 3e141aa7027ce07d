package dev.mailgate.mailbox.sort;

import dev.mailgate.mailbox.mime.Envelope;
import dev.mailgate.mailbox.mime.EnvelopeAddress;
import dev.mailgate.mailbox.mime.HeaderBlock;
import dev.mailgate.mailbox.mime.MessageStructure;
import dev.mailgate.mailbox.search.SearchEvaluator;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailStore;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MessageMeta;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads what SORT and THREAD compare from the store, one message after the other (memory stays
 * that of the results): the index row for ARRIVAL and SIZE; the stored structure (parsed once at
 * append) for everything from the envelope: subject, addresses, Date:, Message-ID, In-Reply-To.
 * Only THREAD=REFERENCES reads message bytes, for References:, which the envelope lacks: the
 * header block alone, capped at {@link SearchEvaluator#MAX_HEADER_BYTES} as SEARCH caps it. Every
 * read runs on the store's own bounded schedulers. A message expunged by another session while
 * this reads is left out (RFC 2180 section 4.1: answer with what exists).
 */
public final class SortFieldsReader {
  private final MailStore store;

  public SortFieldsReader(MailStore store) {
    this.store = store;
  }

  /**
   * The sort fields of each message, in the order given; the envelope is read only when {@code
   * envelope} (some criterion other than ARRIVAL and SIZE needs it).
   */
  public Flux<SortMessage> sortFields(MailboxId mailbox, Flux<MessageMeta> metas, boolean envelope) {
    if (!envelope) {
      return metas.map(m -> new SortMessage(m.uid(), m.size(), m.internalDate().toInstant(), m.internalDate().toInstant(),
          "", "", "", "", "", ""));
    }
    return metas.concatMap(m -> structure(mailbox, m).map(s -> sortMessage(m, s)), 1);
  }

  /**
   * The threading fields of each message, in the order given; References: is read from the
   * message's header only when {@code references} (THREAD=REFERENCES).
   */
  public Flux<ThreadMessage> threadFields(MailboxId mailbox, Flux<MessageMeta> metas,
      boolean references) {
    return metas.concatMap(m -> structure(mailbox, m).flatMap(s -> {
      Mono<String> refs = references ? referencesField(mailbox, m, s) : Mono.just("");
      return refs.map(r -> threadMessage(m, s, r));
    }).onErrorResume(SortFieldsReader::gone, e -> Mono.empty()), 1);
  }

  private Mono<MessageStructure> structure(MailboxId mailbox, MessageMeta m) {
    return store.structure(mailbox, m.uid()).onErrorResume(SortFieldsReader::gone, e -> Mono.empty());
  }

  private static boolean gone(Throwable e) {
    return e instanceof MailStoreException x && x.reason() == MailStoreException.Reason.NO_SUCH_MESSAGE;
  }

  private static SortMessage sortMessage(MessageMeta m, MessageStructure s) {
    Envelope e = s.envelope();
    EnvelopeAddress from = first(e.from());
    EnvelopeAddress to = first(e.to());
    EnvelopeAddress cc = first(e.cc());
    return new SortMessage(m.uid(), m.size(), m.internalDate().toInstant(), sent(m, s),
        BaseSubject.of(e.subject()).text(), mailbox(from), mailbox(to), mailbox(cc),
        display(from), display(to));
  }

  private static ThreadMessage threadMessage(MessageMeta m, MessageStructure s, String references) {
    Envelope e = s.envelope();
    List<String> refs = MessageIds.last(references, ReferencesThreader.MAX_REFERENCES);
    if (refs.isEmpty()) {
      String parent = MessageIds.first(e.inReplyTo());
      refs = parent == null ? List.of() : List.of(parent);
    }
    return new ThreadMessage(m.uid(), sent(m, s), BaseSubject.of(e.subject()),
        MessageIds.first(e.messageId()), refs);
  }

  /** RFC 5256 section 2.2: the Date: header in UTC, else the internal date. */
  private static Instant sent(MessageMeta m, MessageStructure s) {
    return s.sentInstant().orElse(m.internalDate().toInstant());
  }

  /** The first mailbox of an address list: group markers are not mailboxes (RFC 5256 section 3). */
  private static EnvelopeAddress first(List<EnvelopeAddress> list) {
    for (EnvelopeAddress a : list) {
      if (!a.isGroupStart() && !a.isGroupEnd()) {
        return a;
      }
    }
    return null;
  }

  private static String mailbox(EnvelopeAddress a) {
    return a == null || a.mailbox() == null ? "" : a.mailbox();
  }

  /** RFC 5957 section 3: the decoded display name, or the address when it has none. */
  private static String display(EnvelopeAddress a) {
    if (a == null) {
      return "";
    }
    String name = a.name() == null ? "" : DecoderUtil.decodeEncodedWords(a.name(), DecodeMonitor.SILENT).strip();
    return name.isEmpty() ? a.address() : name;
  }

  /** The References: value of the message's header, "" when it has none. */
  private Mono<String> referencesField(MailboxId mailbox, MessageMeta m, MessageStructure s) {
    ByteRange range = s.header();
    ByteRange capped = new ByteRange(range.offset(),
        Math.min(range.length(), SearchEvaluator.MAX_HEADER_BYTES));
    return store.content(mailbox, m.uid(), capped)
        .reduce(new ByteArrayOutputStream(), (out, b) -> {
          byte[] a = new byte[b.remaining()];
          b.get(a);
          out.writeBytes(a);
          return out;
        })
        .map(out -> {
          StringBuilder refs = new StringBuilder();
          for (HeaderBlock.Field f : new HeaderBlock(out.toByteArray(), out.size()).fields()) {
            if (f.name().equals("references")) {
              refs.append(f.value()).append(' ');
            }
          }
          return refs.toString();
        });
  }
}

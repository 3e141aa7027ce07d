package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxEvent;
import dev.mailgate.mailbox.store.MailboxId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link MailboxEvent}s as NOTIFY payloads: space-separated fields, first a type letter. Keywords
 * never contain spaces ({@link Flags}), so they follow as the remaining fields.
 *
 * <pre>
 * A mailbox uid modseq systemMask [keyword...]     Added
 * F mailbox uid modseq systemMask [keyword...]     FlagsChanged
 * X mailbox modseq uid...                          Expunged
 * D mailbox modseq                                 Deleted
 * </pre>
 */
final class PgEventCodec {
  private PgEventCodec() {}

  static String encode(MailboxEvent e) {
    StringBuilder sb = new StringBuilder(64);
    if (e instanceof MailboxEvent.Added a) {
      sb.append("A ").append(a.mailbox().value()).append(' ').append(a.uid()).append(' ')
          .append(a.modSeq());
      flags(sb, a.flags());
    } else if (e instanceof MailboxEvent.FlagsChanged f) {
      sb.append("F ").append(f.mailbox().value()).append(' ').append(f.uid()).append(' ')
          .append(f.modSeq());
      flags(sb, f.flags());
    } else if (e instanceof MailboxEvent.Expunged x) {
      sb.append("X ").append(x.mailbox().value()).append(' ').append(x.modSeq());
      for (long uid : x.uids()) {
        sb.append(' ').append(uid);
      }
    } else if (e instanceof MailboxEvent.Deleted d) {
      sb.append("D ").append(d.mailbox().value()).append(' ').append(d.modSeq());
    }
    return sb.toString();
  }

  private static void flags(StringBuilder sb, Flags flags) {
    sb.append(' ').append(flags.systemMask());
    for (String k : flags.keywords()) {
      sb.append(' ').append(k);
    }
  }

  static MailboxEvent decode(String payload) {
    String[] f = payload.split(" ");
    MailboxId box = new MailboxId(Long.parseLong(f[1]));
    switch (f[0]) {
      case "A":
        return new MailboxEvent.Added(box, Long.parseLong(f[2]), Long.parseLong(f[3]), flags(f));
      case "F":
        return new MailboxEvent.FlagsChanged(box, Long.parseLong(f[2]), flags(f), Long.parseLong(f[3]));
      case "X":
        List<Long> uids = new ArrayList<>(f.length - 3);
        for (int i = 3; i < f.length; i++) {
          uids.add(Long.parseLong(f[i]));
        }
        return new MailboxEvent.Expunged(box, List.copyOf(uids), Long.parseLong(f[2]));
      case "D":
        return new MailboxEvent.Deleted(box, Long.parseLong(f[2]));
      default:
        throw new IllegalArgumentException("unknown event type " + f[0]);
    }
  }

  private static Flags flags(String[] f) {
    StringBuilder kw = new StringBuilder();
    for (int i = 5; i < f.length; i++) {
      kw.append(i == 5 ? "" : " ").append(f[i]);
    }
    return Flags.fromStored(Integer.parseInt(f[4]), kw.toString());
  }
}

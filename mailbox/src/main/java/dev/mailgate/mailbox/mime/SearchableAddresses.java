package dev.mailgate.mailbox.mime;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The texts that SEARCH FROM/TO/CC/BCC compare against (RFC 3501 section 6.4.4: the "structure"
 * of the address field contains the string). The raw field is the wrong text: {@code <user (c)@
 * (c) domain>} must match {@code user@domain}, and {@code user@domain (Real Name)} must match
 * {@code realname}. Like Dovecot, each address of the list is written out on its own, comments
 * dropped and RFC 2047 names decoded: {@code "Name" <mailbox@host>}, or {@code mailbox@host} when
 * there is no name; a group contributes its name as one more entry. Bounded by the parser's
 * {@link EnvelopeAddressParser#MAX_ADDRESSES}.
 */
public final class SearchableAddresses {
  private SearchableAddresses() {}

  /** One entry per address and per group name of the field value, in order. */
  public static List<String> of(String fieldValue) {
    List<String> out = new ArrayList<>();
    for (EnvelopeAddress a : EnvelopeAddressParser.parse(fieldValue)) {
      if (a.isGroupStart()) {
        out.add(decoded(a.mailbox()));
      } else if (!a.isGroupEnd()) {
        String address = a.address();
        out.add(a.name() == null || a.name().isEmpty()
            ? address : "\"" + decoded(a.name()) + "\" <" + address + ">");
      }
    }
    return out;
  }

  private static String decoded(String raw) {
    return DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT);
  }
}

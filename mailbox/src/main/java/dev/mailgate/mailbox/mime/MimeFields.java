package dev.mailgate.mailbox.mime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentLanguageField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.dom.field.ParsedField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.stream.RawField;

/**
 * The MIME fields of one entity (RFC 2045 sections 5-8, RFC 2183, RFC 3066, RFC 2557) interpreted
 * with mime4j's lenient field parsers, with the defaults of RFC 2045 section 5.2 (text/plain;
 * charset=us-ascii, or message/rfc822 inside multipart/digest per RFC 2046 section 5.1.5) and 7BIT.
 */
record MimeFields(
    String type,
    String subtype,
    Map<String, String> params,
    String id,
    String description,
    String encoding,
    String md5,
    String disposition,
    Map<String, String> dispositionParams,
    List<String> language,
    String location) {

  static MimeFields of(HeaderBlock h, boolean digest) {
    String type = digest ? "message" : "text";
    String subtype = digest ? "rfc822" : "plain";
    Map<String, String> params = new LinkedHashMap<>();
    String ct = h.get("content-type");
    ContentTypeField ctf = ct == null ? null : parse("Content-Type", ct, ContentTypeField.class);
    if (ctf != null && ctf.getMediaType() != null && !ctf.getMediaType().isEmpty()
        && ctf.getSubType() != null && !ctf.getSubType().isEmpty()) {
      type = ctf.getMediaType().toLowerCase(Locale.ROOT);
      subtype = ctf.getSubType().toLowerCase(Locale.ROOT);
      params.putAll(ctf.getParameters());
    } else if (!digest) {
      params.put("charset", "us-ascii");
    }
    String disposition = null;
    Map<String, String> dispositionParams = Map.of();
    String cd = h.get("content-disposition");
    ContentDispositionField cdf =
        cd == null ? null : parse("Content-Disposition", cd, ContentDispositionField.class);
    if (cdf != null && cdf.getDispositionType() != null && !cdf.getDispositionType().isEmpty()) {
      disposition = cdf.getDispositionType();
      dispositionParams = new LinkedHashMap<>(cdf.getParameters());
    }
    List<String> language = List.of();
    String cl = h.get("content-language");
    ContentLanguageField clf =
        cl == null ? null : parse("Content-Language", cl, ContentLanguageField.class);
    if (clf != null && clf.getLanguages() != null) {
      language = List.copyOf(clf.getLanguages());
    }
    String enc = h.get("content-transfer-encoding");
    return new MimeFields(
        type, subtype, params, h.get("content-id"), h.get("content-description"),
        enc == null || enc.isEmpty() ? "7bit" : enc.toLowerCase(Locale.ROOT),
        h.get("content-md5"), disposition, dispositionParams, language,
        h.get("content-location"));
  }

  static Envelope envelope(HeaderBlock h) {
    return new Envelope(
        h.get("date"), h.get("subject"),
        EnvelopeAddressParser.parse(h.all("from")),
        EnvelopeAddressParser.parse(h.all("sender")),
        EnvelopeAddressParser.parse(h.all("reply-to")),
        EnvelopeAddressParser.parse(h.all("to")),
        EnvelopeAddressParser.parse(h.all("cc")),
        EnvelopeAddressParser.parse(h.all("bcc")),
        h.get("in-reply-to"), h.get("message-id"));
  }

  /** The Date: header as an instant (RFC 5322 section 3.3), empty if absent or unparseable. */
  static Optional<Instant> sentDate(HeaderBlock h) {
    String d = h.get("date");
    if (d == null) {
      return Optional.empty();
    }
    DateTimeField f = parse("Date", d, DateTimeField.class);
    return f == null || f.getDate() == null ? Optional.empty() : Optional.of(f.getDate().toInstant());
  }

  private static <T extends ParsedField> T parse(String name, String value, Class<T> type) {
    try {
      ParsedField f =
          LenientFieldParser.getParser().parse(new RawField(name, value), DecodeMonitor.SILENT);
      return type.isInstance(f) && f.isValidField() ? type.cast(f) : null;
    } catch (RuntimeException e) {
      return null; // lenient: an unparseable field is treated as absent
    }
  }
}

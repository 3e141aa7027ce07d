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
 * with mime4j's lenient field parsers, Content-Type and Content-Disposition parameters with {@link
 * MimeParameters} (as Dovecot reads them), with the defaults of RFC 2045 section 5.2 (text/plain;
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
      params.putAll(MimeParameters.parse(ct)); // as Dovecot reads them, not as mime4j does
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
      dispositionParams = MimeParameters.parse(cd); // as Dovecot reads them, not as mime4j does
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

  /**
   * The Date: header's date and time as written, read as if it were UTC (RFC 5322 section 3.3),
   * empty if absent or unparseable. SEARCH SENTBEFORE / SENTON / SENTSINCE compare the date the
   * header shows, disregarding time and zone (RFC 3501 section 6.4.4), so the zone is undone here:
   * "Thu, 10 Feb 1994 23:30:00 -0500" stays on 10 February.
   */
  static Optional<Instant> sentDate(HeaderBlock h) {
    String d = h.get("date");
    if (d == null) {
      return Optional.empty();
    }
    DateTimeField f = parse("Date", d, DateTimeField.class);
    if (f == null || f.getDate() == null) {
      return Optional.empty();
    }
    return Optional.of(f.getDate().toInstant().plusSeconds(zoneOffsetSeconds(d)));
  }

  /** Offsets of the obsolete zone names of RFC 5322 section 4.3, in hours. */
  private static final Map<String, Integer> OBS_ZONES = Map.ofEntries(Map.entry("UT", 0),
      Map.entry("GMT", 0), Map.entry("Z", 0), Map.entry("EST", -5), Map.entry("EDT", -4),
      Map.entry("CST", -6), Map.entry("CDT", -5), Map.entry("MST", -7), Map.entry("MDT", -6),
      Map.entry("PST", -8), Map.entry("PDT", -7));

  /** The zone of a Date: value in seconds east of UTC: "+hhmm" / "-hhmm" or an obsolete name. */
  static int zoneOffsetSeconds(String date) {
    String v = date.replaceAll("\\([^()]*\\)", " ").trim();
    int sp = v.lastIndexOf(' ');
    String zone = sp < 0 ? v : v.substring(sp + 1);
    if (zone.length() == 5 && (zone.charAt(0) == '+' || zone.charAt(0) == '-')
        && zone.substring(1).chars().allMatch(Character::isDigit)) {
      int hours = Integer.parseInt(zone.substring(1, 3));
      int minutes = Integer.parseInt(zone.substring(3));
      int seconds = hours * 3600 + minutes * 60;
      return zone.charAt(0) == '-' ? -seconds : seconds;
    }
    Integer hours = OBS_ZONES.get(zone.toUpperCase(Locale.ROOT));
    return hours == null ? 0 : hours * 3600;
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

package dev.mailgate.mailbox.mime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MIME entity of a stored message with what BODYSTRUCTURE reports (RFC 3501 section 7.4.2,
 * basic and extension data) and where its bytes lie in the stored message, so a server can serve
 * BODY[n.m], BODY[n.m.MIME], HEADER, TEXT and HEADER.FIELDS by byte range without re-parsing.
 *
 * <p>Offsets are absolute in the message: the entity's header runs from {@code headerOffset} to
 * {@code bodyOffset} (including the blank line), its body from {@code bodyOffset} to {@code
 * bodyEnd} (excluding the line break that precedes a multipart boundary, RFC 2046 section 5.1.1).
 *
 * @param params Content-Type parameters, names lower-cased, in header order
 * @param lines body lines, for text/* and message/rfc822 (else counted anyway)
 * @param children the parts of a multipart; for message/rfc822 the single nested message entity
 * @param envelope the nested message's envelope for message/rfc822, else null
 */
public record BodyPart(
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
    String location,
    long headerOffset,
    long bodyOffset,
    long bodyEnd,
    long lines,
    List<BodyPart> children,
    Envelope envelope) {

  public BodyPart {
    params = ordered(params);
    dispositionParams = ordered(dispositionParams);
    language = List.copyOf(language);
    children = List.copyOf(children);
  }

  private static Map<String, String> ordered(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, v == null ? "" : v));
    return Collections.unmodifiableMap(copy);
  }

  public boolean isMultipart() {
    return type.equals("multipart");
  }

  public boolean isMessage() {
    return type.equals("message") && subtype.equals("rfc822") && children.size() == 1;
  }

  /** Body size in octets, as transferred (still encoded). */
  public long size() {
    return bodyEnd - bodyOffset;
  }

  public String boundary() {
    return params.get("boundary");
  }
}

package dev.mailgate.mailbox.mime;

import dev.mailgate.mailbox.store.ByteRange;
import java.time.Instant;
import java.util.Optional;

/**
 * The parsed shape of a stored message, computed once at append time and cached by the store:
 * envelope, body-structure tree with byte offsets, and the Date: header as an instant.
 *
 * <p>Section addressing follows RFC 3501 section 6.4.5: part numbers index multipart children from
 * 1; inside a message/rfc822 part they address the nested message's parts, and a non-multipart
 * message has a single part 1 that is its body.
 */
public record MessageStructure(Envelope envelope, BodyPart root, long size, Optional<Instant> sentDate) {

  /**
   * The instant the Date: header names, its zone applied (RFC 5256 section 2.2: "31 Dec 2000
   * 16:01:33 -0800" is 1 Jan 2001 00:01:33 UTC; an unknown zone counts as UTC), or empty when the
   * header is missing or unparseable. {@link #sentDate()} keeps the date as written instead, for
   * SEARCH SENT*, which disregard the zone.
   */
  public Optional<Instant> sentInstant() {
    return sentDate.map(d -> envelope.date() == null ? d
        : d.minusSeconds(MimeFields.zoneOffsetSeconds(envelope.date())));
  }

  /**
   * The entity addressed by {@code path} (e.g. {1, 2} for "1.2"), or empty if there is none. An
   * empty path is the whole message.
   *
   * <p>Part numbers count the parts of a body (RFC 3501 section 6.4.5). Below a message/rfc822
   * part they count the encapsulated message's body, so the walk steps into it; but the top-level
   * message's own body is what the first number counts, also when that message is itself a
   * message/rfc822: there "1" is the encapsulated message, "1.HEADER" its header and "1.1" its
   * body, as Dovecot and Cyrus answer. A "1" stands for a non-multipart entity itself only once
   * (Dovecot: "1.1" of a single-part message and "2.1.1.1" below a message/rfc822 "2.1" are empty).
   */
  public Optional<BodyPart> part(int... path) {
    BodyPart current = root;
    boolean itself = false; // whether a "1" already stood for the current entity itself
    for (int i = 0; i < path.length; i++) {
      int n = path[i];
      if (i > 0 && current.isMessage()) {
        current = current.children().get(0);
        itself = false;
      }
      if (current.isMultipart()) {
        if (n < 1 || n > current.children().size()) {
          return Optional.empty();
        }
        current = current.children().get(n - 1);
        itself = false;
      } else if (n != 1 || itself) {
        return Optional.empty();
      } else {
        // "1" of a non-multipart is the entity itself (RFC 3501: "1" of a single-part message),
        // once: a leaf has no parts below it, so "1.1" of a single-part message is nothing
        itself = true;
      }
    }
    return Optional.of(current);
  }

  /**
   * BODY[HEADER] (and RFC822.HEADER): the message's own header, also when its body is itself a
   * message/rfc822, whose header is "1.HEADER" (RFC 3501 section 6.4.5).
   */
  public ByteRange header() {
    return mime(root);
  }

  /** BODY[TEXT] (and RFC822.TEXT): the message's own body; of a message/rfc822, the nested message. */
  public ByteRange text() {
    return content(root);
  }

  /** The "n.HEADER" section of a nested message/rfc822 part: the encapsulated message's header. */
  public static ByteRange header(BodyPart entity) {
    BodyPart e = entity.isMessage() ? entity.children().get(0) : entity;
    return new ByteRange(e.headerOffset(), e.bodyOffset() - e.headerOffset());
  }

  /** The "n.TEXT" section of a nested message/rfc822 part: the encapsulated message's body. */
  public static ByteRange text(BodyPart entity) {
    BodyPart e = entity.isMessage() ? entity.children().get(0) : entity;
    return new ByteRange(e.bodyOffset(), e.size());
  }

  /** BODY[n]: the part's body (for message/rfc822 the whole nested message). */
  public static ByteRange content(BodyPart part) {
    return new ByteRange(part.bodyOffset(), part.size());
  }

  /** BODY[n.MIME]: the part's own header. */
  public static ByteRange mime(BodyPart part) {
    return new ByteRange(part.headerOffset(), part.bodyOffset() - part.headerOffset());
  }
}

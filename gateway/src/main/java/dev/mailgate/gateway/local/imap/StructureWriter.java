package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.mailbox.mime.BodyPart;
import dev.mailgate.mailbox.mime.Envelope;
import dev.mailgate.mailbox.mime.EnvelopeAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes ENVELOPE and BODY / BODYSTRUCTURE (RFC 3501 section 7.4.2) from the structure the store
 * computed with mime4j at append time. BODY is the non-extensible form; BODYSTRUCTURE adds the
 * extension data (MD5, disposition, language, location; for multiparts the parameters too).
 * Recursion depth is bounded by the store's structure parser.
 */
final class StructureWriter {
  private StructureWriter() {}

  static void envelope(ImapResponseWriter w, Envelope e) {
    w.open().nstring(e.date()).sp().nstring(e.subject()).sp();
    addresses(w, e.from());
    w.sp();
    addresses(w, e.sender());
    w.sp();
    addresses(w, e.replyTo());
    w.sp();
    addresses(w, e.to());
    w.sp();
    addresses(w, e.cc());
    w.sp();
    addresses(w, e.bcc());
    w.sp().nstring(e.inReplyTo()).sp().nstring(e.messageId()).close();
  }

  private static void addresses(ImapResponseWriter w, List<EnvelopeAddress> list) {
    if (list.isEmpty()) {
      w.nil();
      return;
    }
    w.open();
    for (EnvelopeAddress a : list) {
      w.open().nstring(a.name()).sp().nstring(a.adl()).sp().nstring(a.mailbox()).sp()
          .nstring(a.host()).close();
    }
    w.close();
  }

  static void body(ImapResponseWriter w, BodyPart p, boolean extended) {
    w.open();
    if (p.isMultipart()) {
      for (BodyPart child : p.children()) {
        body(w, child, extended);
      }
      if (p.children().isEmpty()) {
        emptyTextPart(w, extended);
      }
      w.sp().string(upper(p.subtype()));
      if (extended) {
        w.sp();
        params(w, p.params());
        w.sp();
        disposition(w, p);
        w.sp();
        language(w, p.language());
        w.sp().nstring(p.location());
      }
      w.close();
      return;
    }
    w.string(upper(p.type())).sp().string(upper(p.subtype())).sp();
    params(w, withDefaultCharset(p));
    w.sp().nstring(p.id()).sp().nstring(p.description()).sp().string(upper(p.encoding()))
        .sp().number(p.size());
    if (p.isMessage()) {
      BodyPart inner = p.children().get(0);
      w.sp();
      if (p.envelope() != null) {
        envelope(w, p.envelope());
      } else {
        w.nil();
      }
      w.sp();
      body(w, inner, extended);
      w.sp().number(p.lines());
    } else if (p.type().equalsIgnoreCase("text")) {
      w.sp().number(p.lines());
    }
    if (extended) {
      w.sp().nstring(p.md5()).sp();
      disposition(w, p);
      w.sp();
      language(w, p.language());
      w.sp().nstring(p.location());
    }
    w.close();
  }

  /**
   * The part a multipart without any boundary line shows (truncated or broken mail): RFC 3501's
   * body-type-mpart needs at least one body, so {@code ( "MIXED")} is a syntax error to clients.
   * Dovecot shows an empty text/plain part, and BODY[1] of such a message is empty here too.
   */
  private static void emptyTextPart(ImapResponseWriter w, boolean extended) {
    w.open().string("TEXT").sp().string("PLAIN").sp().open().string("CHARSET").sp().string("us-ascii")
        .close().sp().nil().sp().nil().sp().string("7BIT").sp().number(0).sp().number(0);
    if (extended) {
      w.sp().nil().sp().nil().sp().nil().sp().nil();
    }
    w.close();
  }

  /**
   * A text part's parameters with the charset RFC 2045 section 5.2 implies when none is given
   * ("Content-Type: text/plain" alone means us-ascii). Dovecot shows it the same way, after the
   * part's own parameters. Added here rather than when parsing, so messages stored before show it
   * too.
   */
  private static Map<String, String> withDefaultCharset(BodyPart p) {
    if (!p.type().equalsIgnoreCase("text") || p.params().containsKey("charset")) {
      return p.params();
    }
    Map<String, String> params = new LinkedHashMap<>(p.params());
    params.put("charset", "us-ascii");
    return params;
  }

  private static void params(ImapResponseWriter w, Map<String, String> params) {
    if (params.isEmpty()) {
      w.nil();
      return;
    }
    w.open();
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!first) {
        w.sp();
      }
      first = false;
      w.string(upper(e.getKey())).sp().string(e.getValue());
    }
    w.close();
  }

  private static void disposition(ImapResponseWriter w, BodyPart p) {
    if (p.disposition() == null) {
      w.nil();
      return;
    }
    w.open().string(upper(p.disposition())).sp();
    params(w, p.dispositionParams());
    w.close();
  }

  private static void language(ImapResponseWriter w, List<String> language) {
    if (language.isEmpty()) {
      w.nil();
      return;
    }
    w.open();
    for (int i = 0; i < language.size(); i++) {
      if (i > 0) {
        w.sp();
      }
      w.string(language.get(i));
    }
    w.close();
  }

  private static String upper(String s) {
    return s == null ? "" : s.toUpperCase(Locale.ROOT);
  }
}

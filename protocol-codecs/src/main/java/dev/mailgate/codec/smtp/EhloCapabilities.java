package dev.mailgate.codec.smtp;

import dev.mailgate.codec.Words;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a server advertised in its EHLO reply (RFC 5321 4.1.1.1: {@code ehlo-line = ehlo-keyword
 * *(SP ehlo-param)}), the first line being the greeting. Typed views for the extensions the gateway
 * cares about: SIZE (RFC 1870), PIPELINING (2920), 8BITMIME (6152), SMTPUTF8 (6531),
 * ENHANCEDSTATUSCODES (2034), CHUNKING and BINARYMIME (3030), STARTTLS (3207), AUTH (4954), DSN
 * (3461), XCLIENT (Postfix). The obsolete {@code AUTH=MECH} form is read like {@code AUTH MECH}.
 *
 * @param greeting the first line (the server's domain and any text)
 * @param keywords every keyword (upper case) with its parameters, in order
 */
public record EhloCapabilities(String greeting, Map<String, List<String>> keywords) {
  public EhloCapabilities {
    keywords = Collections.unmodifiableMap(new LinkedHashMap<>(keywords));
  }

  /** Reads the capabilities from a 250 reply to EHLO; IllegalArgumentException for other codes. */
  public static EhloCapabilities parse(SmtpReply reply) {
    if (reply.code() != 250) {
      throw new IllegalArgumentException("EHLO was refused: " + reply.code());
    }
    Map<String, List<String>> keywords = new LinkedHashMap<>();
    for (String line : reply.lines().subList(1, reply.lines().size())) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.charAt(0) == '=') {
        continue; // no keyword
      }
      List<String> parts = Words.split(trimmed, " =");
      String keyword = parts.get(0).toUpperCase(Locale.ROOT);
      List<String> params = keywords.computeIfAbsent(keyword, k -> new ArrayList<>());
      for (int i = 1; i < parts.size(); i++) {
        if (!params.contains(parts.get(i))) {
          params.add(parts.get(i));
        }
      }
    }
    keywords.replaceAll((k, v) -> List.copyOf(v));
    return new EhloCapabilities(reply.lines().get(0), keywords);
  }

  public boolean has(String keyword) {
    return keywords.containsKey(keyword.toUpperCase(Locale.ROOT));
  }

  public List<String> parameters(String keyword) {
    return keywords.getOrDefault(keyword.toUpperCase(Locale.ROOT), List.of());
  }

  /** The SIZE limit: -1 when SIZE is not advertised, 0 when advertised without a limit. */
  public long maxSize() {
    if (!has("SIZE")) {
      return -1;
    }
    List<String> p = parameters("SIZE");
    try {
      return p.isEmpty() ? 0 : Long.parseLong(p.get(0));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public boolean pipelining() {
    return has("PIPELINING");
  }

  public boolean eightBitMime() {
    return has("8BITMIME");
  }

  public boolean smtpUtf8() {
    return has("SMTPUTF8");
  }

  public boolean enhancedStatusCodes() {
    return has("ENHANCEDSTATUSCODES");
  }

  public boolean chunking() {
    return has("CHUNKING");
  }

  public boolean binaryMime() {
    return has("BINARYMIME");
  }

  public boolean startTls() {
    return has("STARTTLS");
  }

  public boolean dsn() {
    return has("DSN");
  }

  /** SASL mechanisms in upper case. */
  public Set<String> authMechanisms() {
    Set<String> out = new java.util.LinkedHashSet<>();
    parameters("AUTH").forEach(m -> out.add(m.toUpperCase(Locale.ROOT)));
    return Collections.unmodifiableSet(out);
  }

  /** XCLIENT attribute names in upper case. */
  public Set<String> xclientAttributes() {
    Set<String> out = new java.util.LinkedHashSet<>();
    parameters("XCLIENT").forEach(m -> out.add(m.toUpperCase(Locale.ROOT)));
    return Collections.unmodifiableSet(out);
  }
}

package dev.mailgate.gateway.metrics;

import java.util.Locale;
import java.util.Set;

/**
 * Bounds the {@code mechanism} tag: the client names the SASL mechanism, and a metric tag taken
 * verbatim from the client would let anyone create unbounded time series. Known mechanisms (RFC
 * 4616 PLAIN, LOGIN, RFC 7628 OAUTHBEARER, XOAUTH2, CRAM-MD5, SCRAM, EXTERNAL) and the
 * protocol-level logins (IMAP {@code LOGIN} command, POP3 {@code USER}/{@code PASS}, {@code APOP})
 * keep their names; everything else is {@code other}.
 */
public final class Mechanisms {
  private static final Set<String> KNOWN =
      Set.of(
          "plain",
          "login",
          "oauthbearer",
          "xoauth2",
          "cram-md5",
          "scram-sha-1",
          "scram-sha-256",
          "external",
          "user",
          "apop");

  private Mechanisms() {}

  /** The tag value for a mechanism name as the client sent it. */
  public static String tag(String mechanism) {
    if (mechanism == null || mechanism.length() > 20) {
      return "other";
    }
    String m = mechanism.toLowerCase(Locale.ROOT);
    return KNOWN.contains(m) ? m : "other";
  }
}

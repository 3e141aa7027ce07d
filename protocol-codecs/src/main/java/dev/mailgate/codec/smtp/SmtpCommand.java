package dev.mailgate.codec.smtp;

import java.util.Map;
import java.util.Objects;

/**
 * A command line decoded by {@link SmtpCommandDecoder} (RFC 5321 4.1.1 and the extensions of
 * {@link SmtpVerb}), or an AUTH continuation line. {@link SmtpCommandEncoder} writes them back.
 * Values never contain CR or LF.
 */
public sealed interface SmtpCommand {

  /** The verb, or {@code null} for an {@link AuthResponse}. */
  SmtpVerb verb();

  /** {@code HELO domain} (4.1.1.1). */
  record Helo(String domain) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.HELO;
    }
  }

  /** {@code EHLO domain-or-address-literal} (4.1.1.1). Whether the name is sane is policy. */
  record Ehlo(String domain) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.EHLO;
    }
  }

  /** {@code MAIL FROM:<reverse-path> [params]} (4.1.1.2). */
  record Mail(SmtpPath from, MailParameters parameters) implements SmtpCommand {
    public Mail {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(parameters, "parameters");
    }

    public SmtpVerb verb() {
      return SmtpVerb.MAIL;
    }
  }

  /** {@code RCPT TO:<forward-path> [params]} (4.1.1.3). */
  record Rcpt(SmtpPath to, RcptParameters parameters) implements SmtpCommand {
    public Rcpt {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(parameters, "parameters");
    }

    public SmtpVerb verb() {
      return SmtpVerb.RCPT;
    }
  }

  /** {@code DATA} (4.1.1.4); the decoder pauses until the session decides (see the decoder). */
  record Data() implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.DATA;
    }
  }

  /** {@code BDAT size [LAST]} (RFC 3030 2); the chunk follows at once. */
  record Bdat(long size, boolean last) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.BDAT;
    }
  }

  record Rset() implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.RSET;
    }
  }

  /** {@code NOOP [string]}; the argument is ignored by servers. */
  record Noop(String argument) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.NOOP;
    }
  }

  record Quit() implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.QUIT;
    }
  }

  record Vrfy(String argument) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.VRFY;
    }
  }

  record Expn(String argument) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.EXPN;
    }
  }

  /** {@code HELP [string]}; {@code argument} is {@code null} without one. */
  record Help(String argument) implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.HELP;
    }
  }

  /** {@code STARTTLS} (RFC 3207); the decoder pauses, see {@link SmtpCommandDecoder}. */
  record StartTls() implements SmtpCommand {
    public SmtpVerb verb() {
      return SmtpVerb.STARTTLS;
    }
  }

  /**
   * {@code AUTH mechanism [initial-response]} (RFC 4954 4). The initial response is base64 as sent
   * ({@code "="} for an empty one) or {@code null}; it is never printed.
   */
  record Auth(String mechanism, String initialResponse) implements SmtpCommand {
    public Auth {
      Objects.requireNonNull(mechanism, "mechanism");
    }

    public SmtpVerb verb() {
      return SmtpVerb.AUTH;
    }

    @Override
    public String toString() {
      return "Auth[mechanism=" + mechanism
          + (initialResponse == null ? "]" : ", initialResponse=<redacted>]");
    }
  }

  /**
   * A line answering a {@code 334} challenge (RFC 4954 4): base64 as sent, or {@code cancelled}
   * for {@code *}. Never printed.
   */
  record AuthResponse(String base64, boolean cancelled) implements SmtpCommand {
    public AuthResponse {
      Objects.requireNonNull(base64, "base64");
    }

    public SmtpVerb verb() {
      return null;
    }

    @Override
    public String toString() {
      return cancelled ? "AuthResponse[cancelled]" : "AuthResponse[<redacted>]";
    }
  }

  /**
   * {@code XCLIENT attribute=value ...} (Postfix XCLIENT_README): attribute names in upper case,
   * values xtext-decoded, in order.
   */
  record Xclient(Map<String, String> attributes) implements SmtpCommand {
    public Xclient {
      attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    public SmtpVerb verb() {
      return SmtpVerb.XCLIENT;
    }
  }
}

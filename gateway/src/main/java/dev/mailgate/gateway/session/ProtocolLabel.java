package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;

/**
 * The lower-case protocol name used in log lines, metric tags and the admin API ({@code smtp},
 * {@code submission}, {@code pop3}, {@code imap}); spelled out here so that renaming an enum
 * constant never breaks a dashboard.
 */
public final class ProtocolLabel {
  private ProtocolLabel() {}

  public static String of(Protocol p) {
    return switch (p) {
      case SMTP -> "smtp";
      case SUBMISSION -> "submission";
      case POP3 -> "pop3";
      case IMAP -> "imap";
    };
  }
}

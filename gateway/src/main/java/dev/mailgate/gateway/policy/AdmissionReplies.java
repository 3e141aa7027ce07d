package dev.mailgate.gateway.policy;

import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.policy.Decision;
import dev.mailgate.policy.DenyKind;

/**
 * The line a refused connection gets instead of a greeting (PRODUCT.md "How it answers"): a rate
 * or connection limit is temporary ({@code 421 4.7.0}, {@code * BYE [LIMIT]},
 * {@code -ERR [SYS/TEMP]}), a denied network is permanent ({@code 554 5.7.1} as RFC 5321 3.1
 * allows for a refused greeting, {@code * BYE}, {@code -ERR [SYS/PERM]}). The rule's reason is
 * not sent: it would tell a prober which limit it hit.
 */
public final class AdmissionReplies {
  private AdmissionReplies() {}

  /** The refusal line, with CRLF, for a session of {@code protocol}. */
  public static String line(Protocol protocol, Decision.Deny deny) {
    boolean denied = deny.kind() == DenyKind.NETWORK_DENIED;
    return switch (protocol) {
      case SMTP, SUBMISSION -> denied
          ? "554 5.7.1 Access denied\r\n"
          : "421 4.7.0 Too many connections, try again later\r\n";
      case IMAP -> denied
          ? "* BYE Access denied\r\n"
          : "* BYE [LIMIT] Too many connections, try again later\r\n";
      case POP3 -> denied
          ? "-ERR [SYS/PERM] Access denied\r\n"
          : "-ERR [SYS/TEMP] Too many connections, try again later\r\n";
    };
  }
}

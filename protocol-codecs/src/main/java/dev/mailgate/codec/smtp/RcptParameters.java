package dev.mailgate.codec.smtp;

import java.util.List;
import java.util.Set;

/**
 * The ESMTP parameters of RCPT TO: NOTIFY and ORCPT (RFC 3461 4.1, 4.2), and any others as
 * {@link EsmtpParameter}s.
 *
 * @param notifyOn the NOTIFY conditions, empty when absent; {@code NEVER} stands alone
 * @param orcptType the ORCPT address type (e.g. {@code rfc822}), or {@code null}
 * @param orcpt the ORCPT address as sent (xtext, not decoded), or {@code null}
 * @param others every other parameter, in order
 */
public record RcptParameters(
    Set<Notify> notifyOn, String orcptType, String orcpt, List<EsmtpParameter> others) {
  public static final RcptParameters NONE = new RcptParameters(Set.of(), null, null, List.of());

  public RcptParameters {
    notifyOn = notifyOn.isEmpty()
        ? Set.of()
        : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(notifyOn));
    others = List.copyOf(others);
  }

  /** RFC 3461 4.1. */
  public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }
}

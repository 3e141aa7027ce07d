package dev.mailgate.codec.smtp;

import java.util.List;

/**
 * The ESMTP parameters of MAIL FROM: SIZE (RFC 1870), BODY (RFC 6152 8BITMIME, RFC 3030
 * BINARYMIME), SMTPUTF8 (RFC 6531), AUTH (RFC 4954 5), RET and ENVID (RFC 3461 DSN), and any others
 * as {@link EsmtpParameter}s.
 *
 * @param size the declared size, or -1 when absent
 * @param body the BODY value, or {@code null} when absent
 * @param smtpUtf8 whether SMTPUTF8 was given
 * @param auth the xtext-decoded AUTH mailbox ({@code <>} for none), or {@code null}
 * @param ret the DSN RET value, or {@code null}
 * @param envid the xtext-decoded DSN ENVID, or {@code null}
 * @param others every other parameter, in order
 */
public record MailParameters(
    long size, Body body, boolean smtpUtf8, String auth, Ret ret, String envid,
    List<EsmtpParameter> others) {
  public static final MailParameters NONE =
      new MailParameters(-1, null, false, null, null, null, List.of());

  public MailParameters {
    others = List.copyOf(others);
  }

  /** RFC 6152 / RFC 3030 body types. */
  public enum Body {
    SEVEN_BIT("7BIT"), EIGHT_BITMIME("8BITMIME"), BINARYMIME("BINARYMIME");

    private final String wire;

    Body(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** RFC 3461 4.3. */
  public enum Ret { FULL, HDRS }
}

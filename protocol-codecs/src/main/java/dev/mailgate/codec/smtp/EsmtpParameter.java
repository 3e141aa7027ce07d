package dev.mailgate.codec.smtp;

import java.util.Objects;

/**
 * One {@code esmtp-param} of RFC 5321 4.1.2 that the codec has no typed field for; the session
 * answers {@code 555} for those it does not support.
 *
 * @param keyword the keyword in upper case
 * @param value the value as sent, or {@code null} when the parameter has none
 */
public record EsmtpParameter(String keyword, String value) {
  public EsmtpParameter {
    Objects.requireNonNull(keyword, "keyword");
  }

  @Override
  public String toString() {
    return value == null ? keyword : keyword + "=" + value;
  }
}

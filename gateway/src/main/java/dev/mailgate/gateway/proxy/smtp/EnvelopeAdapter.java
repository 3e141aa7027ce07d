package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.EhloCapabilities;
import dev.mailgate.codec.smtp.EsmtpParameter;
import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpReply;
import java.util.List;
import java.util.Set;

/**
 * Fits the client's MAIL and RCPT parameters to what the backend advertised (RFC 5321 4.1.2: a
 * client must not send a parameter of an extension the server did not announce). Informational
 * parameters are dropped (SIZE, RFC 1870; AUTH=, RFC 4954 5; RET/ENVID/NOTIFY/ORCPT, RFC 3461 —
 * the backend then applies its default DSN behaviour); parameters whose loss would change the
 * message's meaning make the transaction fail instead: SMTPUTF8 (RFC 6531 3.2, no downgrade) and
 * BODY=8BITMIME/BINARYMIME (RFC 6152 3, RFC 3030 3, no conversion). Unknown parameters pass only
 * when their keyword was advertised.
 */
final class EnvelopeAdapter {

  private final EhloCapabilities caps;

  EnvelopeAdapter(EhloCapabilities caps) {
    this.caps = caps;
  }

  /** The refusal for parameters this backend cannot honour, or {@code null}. */
  SmtpReply refusal(MailParameters p) {
    if (p.smtpUtf8() && !caps.smtpUtf8()) {
      return BackendReplies.NO_SMTPUTF8;
    }
    if (p.body() == MailParameters.Body.EIGHT_BITMIME && !caps.eightBitMime()) {
      return BackendReplies.NO_CONVERSION;
    }
    if (p.body() == MailParameters.Body.BINARYMIME && !(caps.binaryMime() && caps.chunking())) {
      return BackendReplies.NO_CONVERSION;
    }
    return null;
  }

  MailParameters mail(MailParameters p) {
    boolean dsn = caps.dsn();
    return new MailParameters(
        caps.has("SIZE") ? p.size() : -1,
        p.body() == MailParameters.Body.SEVEN_BIT && !caps.eightBitMime() ? null : p.body(),
        p.smtpUtf8(),
        caps.has("AUTH") ? p.auth() : null,
        dsn ? p.ret() : null,
        dsn ? p.envid() : null,
        advertised(p.others()));
  }

  RcptParameters rcpt(RcptParameters p) {
    if (caps.dsn()) {
      return new RcptParameters(p.notifyOn(), p.orcptType(), p.orcpt(), advertised(p.others()));
    }
    return new RcptParameters(Set.of(), null, null, advertised(p.others()));
  }

  private List<EsmtpParameter> advertised(List<EsmtpParameter> others) {
    if (others.isEmpty()) {
      return others; // the usual case: no stream assembled per MAIL and RCPT
    }
    return others.stream().filter(o -> caps.has(o.keyword())).toList();
  }
}

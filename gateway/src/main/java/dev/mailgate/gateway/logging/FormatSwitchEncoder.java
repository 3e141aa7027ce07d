package dev.mailgate.gateway.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * A Logback encoder that writes either the text pattern or one JSON object per line, chosen by its
 * {@code format} property ({@code text} or {@code json}, any case). {@code logback.xml} sets it from
 * {@code MAILGATE_LOG_FORMAT} (environment variable or system property), so the same jar logs JSON
 * for a log shipper without a second configuration file. Both formats are Logback's own encoders
 * ({@link PatternLayoutEncoder}, {@link JsonEncoder}); this class only picks one. An unknown format
 * falls back to text with a warning in Logback's status, rather than losing every log line.
 *
 * <p>The JSON object carries {@code timestamp}, {@code level}, {@code threadName}, {@code
 * loggerName}, {@code mdc} (with the session id), {@code kvpList} (the session line's fields),
 * {@code formattedMessage} and {@code throwable}; Logback escapes every string value.
 */
public final class FormatSwitchEncoder extends EncoderBase<ILoggingEvent> {
  private String format = "text";
  private String pattern = "%d{ISO8601} %-5level [%X{session:--}] %logger{24} - %msg%n";
  private Encoder<ILoggingEvent> delegate;

  /** {@code text} or {@code json}. */
  public void setFormat(String format) {
    this.format = format;
  }

  public String getFormat() {
    return format;
  }

  /** The text format's Logback pattern. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** Whether this encoder writes JSON (after {@link #start()}). */
  public boolean isJson() {
    return delegate instanceof JsonEncoder;
  }

  @Override
  public void start() {
    String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    if (f.equals("json")) {
      delegate = json();
    } else {
      if (!f.equals("text")) {
        addWarn("unknown log format [" + format + "], expected text or json; using text");
      }
      delegate = text();
    }
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  private Encoder<ILoggingEvent> json() {
    JsonEncoder e = new JsonEncoder();
    e.setContext(getContext());
    // what a log shipper needs; the raw pattern and arguments would only repeat the message
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.setWithContext(false);
    e.setWithMessage(false);
    e.setWithArguments(false);
    e.setWithFormattedMessage(true);
    return e;
  }

  private Encoder<ILoggingEvent> text() {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(getContext());
    e.setPattern(pattern);
    return e;
  }
}

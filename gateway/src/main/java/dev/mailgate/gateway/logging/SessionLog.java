package dev.mailgate.gateway.logging;

import dev.mailgate.gateway.session.SessionListener;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionSnapshot;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes one line per session when it ends, at INFO on the logger {@value #LOGGER}: session id,
 * protocol, listener, client address and port, TLS version and cipher, user, backend, bytes in and
 * out, duration in milliseconds and why it ended. In text format the message is {@code key=value}
 * pairs ({@link SessionLine}); the same fields also go out as SLF4J key-value pairs, which the JSON
 * format writes as structured fields. The session id is in the MDC while the line is logged.
 *
 * <p>Only a {@link SessionSnapshot} reaches this class, and a snapshot has no field for a password
 * or an AUTH payload, so none can be written.
 */
public final class SessionLog implements SessionListener {
  /** The dedicated logger name, to route or silence session lines separately. */
  public static final String LOGGER = "mailgate.session";

  private final Logger log;

  public SessionLog() {
    this(LoggerFactory.getLogger(LOGGER));
  }

  SessionLog(Logger log) {
    this.log = log;
  }

  @Override
  public void opened(SessionRecord session) {
    // the line is written at the end only: one line per session
  }

  @Override
  @SuppressWarnings("try") // the scope is only closed, never read
  public void ended(SessionSnapshot s) {
    if (!log.isInfoEnabled()) {
      return;
    }
    try (SessionMdc.Scope scope = SessionMdc.open(s.id())) {
      LoggingEventBuilder e = log.atInfo();
      Map<String, String> fields = SessionLine.fields(s);
      fields.forEach(e::addKeyValue);
      e.log(SessionLine.format(fields));
    }
  }
}

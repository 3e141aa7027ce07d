package dev.mailgate.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every event logged through SLF4J while open, and renders them with the production
 * encoder in both formats, so tests see exactly the bytes an operator's log would hold.
 */
public final class CapturedLogs implements AutoCloseable {
  private final Logger root;
  private final ListAppender<ILoggingEvent> list = new ListAppender<>();
  private final Logger sessionLogger;
  private final boolean raisedSessionLevel;

  public CapturedLogs() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    // the shared logback-test.xml keeps the root at WARN; production logs session lines at INFO
    sessionLogger = ctx.getLogger(SessionLog.LOGGER);
    raisedSessionLevel = sessionLogger.getLevel() == null;
    if (raisedSessionLevel) {
      sessionLogger.setLevel(Level.INFO);
    }
    list.setContext(ctx);
    list.start();
    root.addAppender(list);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(list.list);
  }

  public List<ILoggingEvent> events(String logger) {
    return list.list.stream().filter(e -> e.getLoggerName().equals(logger)).toList();
  }

  /** All events as the text format writes them. */
  public String text() {
    return render("text");
  }

  /** All events as the JSON format writes them. */
  public String json() {
    return render("json");
  }

  private String render(String format) {
    FormatSwitchEncoder enc = new FormatSwitchEncoder();
    enc.setContext(root.getLoggerContext());
    enc.setFormat(format);
    enc.start();
    StringBuilder b = new StringBuilder();
    for (ILoggingEvent e : list.list) {
      b.append(new String(enc.encode(e), StandardCharsets.UTF_8));
    }
    enc.stop();
    return b.toString();
  }

  @Override
  public void close() {
    if (raisedSessionLevel) {
      sessionLogger.setLevel(null);
    }
    root.detachAppender(list);
    list.stop();
  }
}

package dev.mailgate.gateway.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import dev.mailgate.gateway.logging.FormatSwitchEncoder;
import dev.mailgate.gateway.logging.SessionLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While the reliability gateway runs, every log event of the test JVM, with mailgate's own loggers
 * at DEBUG and the session lines at INFO (as in production), is also written with the production
 * text encoder to {@code target/reliability/gateway.log}, so {@code LogsHoldNoSecretsTest} can
 * search what an operator's log would hold. The console keeps its INFO threshold.
 */
final class SuiteLog implements AutoCloseable {
  static final Path FILE = ReliabilityReport.DIR.resolve("gateway.log");

  private final Logger root;
  private final FileAppender<ILoggingEvent> file = new FileAppender<>();
  private final List<Runnable> undo = new ArrayList<>();

  SuiteLog() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> console = it.next();
      ThresholdFilter info = new ThresholdFilter();
      info.setLevel("INFO");
      info.start();
      console.addFilter(info);
      undo.add(() -> console.clearAllFilters());
    }
    raise(ctx.getLogger("dev.mailgate"), Level.DEBUG);
    raise(ctx.getLogger(SessionLog.LOGGER), Level.INFO);

    FormatSwitchEncoder enc = new FormatSwitchEncoder();
    enc.setContext(ctx);
    enc.setFormat("text");
    enc.start();
    file.setContext(ctx);
    file.setName("reliability-suite");
    file.setFile(FILE.toString());
    file.setAppend(true);
    file.setEncoder(enc);
    file.start();
    root.addAppender(file);
  }

  private void raise(Logger logger, Level level) {
    Level before = logger.getLevel();
    logger.setLevel(level);
    undo.add(() -> logger.setLevel(before));
  }

  @Override
  public void close() {
    root.detachAppender(file);
    file.stop();
    undo.forEach(Runnable::run);
  }
}

package dev.mailgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Loads the production {@code logback.xml} into a private context, as the jar would at startup. */
class LogbackConfigTest {

  @Test
  void defaultFormatIsText() throws Exception {
    FormatSwitchEncoder enc = consoleEncoder(configure(Map.of()));
    assertThat(enc.isJson()).isFalse();
  }

  @Test
  void mailgateLogFormatJsonSwitchesToJsonInAnyCase() throws Exception {
    assertThat(consoleEncoder(configure(Map.of("MAILGATE_LOG_FORMAT", "json"))).isJson()).isTrue();
    assertThat(consoleEncoder(configure(Map.of("MAILGATE_LOG_FORMAT", "JSON"))).isJson()).isTrue();
  }

  @Test
  void unknownFormatFallsBackToTextWithAWarning() throws Exception {
    LoggerContext ctx = configure(Map.of("MAILGATE_LOG_FORMAT", "yaml"));
    assertThat(consoleEncoder(ctx).isJson()).isFalse();
    assertThat(ctx.getStatusManager().getCopyOfStatusList())
        .anySatisfy(
            s -> {
              assertThat(s.getLevel()).isEqualTo(Status.WARN);
              assertThat(s.getMessage()).contains("unknown log format [yaml]");
            });
  }

  @Test
  void eventLoopsNeverBlockOnTheLogAndInfoLinesAreNotDiscardedEarly() throws Exception {
    var async = (AsyncAppender) configure(Map.of()).getLogger("ROOT").getAppender("async");
    assertThat(async.isNeverBlock()).isTrue();
    assertThat(async.getDiscardingThreshold()).isZero();
    assertThat(async.getQueueSize()).isEqualTo(8192);
  }

  @Test
  void sessionLoggerIsAtInfoAndTheRootLevelIsConfigurable() throws Exception {
    LoggerContext ctx = configure(Map.of("MAILGATE_LOG_LEVEL", "WARN"));
    assertThat(ctx.getLogger("ROOT").getLevel()).isEqualTo(Level.WARN);
    assertThat(ctx.getLogger(SessionLog.LOGGER).getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void jsonEscapesQuotesAndNewlinesSoEveryEventIsOneValidLine() throws Exception {
    LoggerContext ctx = configure(Map.of("MAILGATE_LOG_FORMAT", "json"));
    FormatSwitchEncoder enc = consoleEncoder(ctx);
    LoggingEvent e =
        new LoggingEvent(
            "x",
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("t"),
            Level.WARN, "said \"{}\"", null, new Object[] {"a\r\nb\\"});

    String out = new String(enc.encode(e), StandardCharsets.UTF_8);

    assertThat(out.strip()).doesNotContain("\n").doesNotContain("\r");
    JsonNode node = new ObjectMapper().readTree(out);
    assertThat(node.get("formattedMessage").asText()).isEqualTo("said \"a\r\nb\\\"");
  }

  private static LoggerContext configure(Map<String, String> properties) throws Exception {
    LoggerContext ctx = new LoggerContext();
    properties.forEach(ctx::putProperty);
    JoranConfigurator jc = new JoranConfigurator();
    jc.setContext(ctx);
    jc.doConfigure(LogbackConfigTest.class.getResource("/logback.xml"));
    return ctx;
  }

  private static FormatSwitchEncoder consoleEncoder(LoggerContext ctx) {
    var async = (AsyncAppender) ctx.getLogger("ROOT").getAppender("async");
    var console = (OutputStreamAppender<ILoggingEvent>) async.getAppender("console");
    return (FormatSwitchEncoder) console.getEncoder();
  }
}

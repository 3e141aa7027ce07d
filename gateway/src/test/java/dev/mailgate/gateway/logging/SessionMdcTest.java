package dev.mailgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class SessionMdcTest {

  @Test
  void scopeSetsTheIdAndRestoresThePreviousValue() {
    try (SessionMdc.Scope outer = SessionMdc.open("aaaa-1")) {
      try (SessionMdc.Scope inner = SessionMdc.open("aaaa-2")) {
        assertThat(MDC.get(SessionMdc.KEY)).isEqualTo("aaaa-2");
      }
      assertThat(MDC.get(SessionMdc.KEY)).isEqualTo("aaaa-1");
    }
    assertThat(MDC.get(SessionMdc.KEY)).isNull();
  }

  @Test
  void stepsRunWithTheIdEvenWhenTheyThrow() {
    assertThat(SessionMdc.call("bbbb-1", () -> MDC.get(SessionMdc.KEY))).isEqualTo("bbbb-1");
    try {
      SessionMdc.run(
          "bbbb-2",
          () -> {
            throw new IllegalStateException("step failed");
          });
    } catch (IllegalStateException expected) {
      // the MDC must be clean for the next session on this event loop
    }
    assertThat(MDC.get(SessionMdc.KEY)).isNull();
  }
}

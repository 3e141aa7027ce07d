package dev.mailgate.gateway.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReceivedDateTest {

  @Test
  void formatsTheRfc5322DateInUtc() {
    assertEquals("Fri, 4 Dec 2026 17:20:01 +0000", ReceivedDate.format(Instant.parse("2026-12-04T17:20:01.250Z")));
  }

  @Test
  void eachSecondGetsItsOwnTextAfterTheCacheHeldAnother() {
    Instant first = Instant.parse("2026-12-04T17:20:01Z");
    assertEquals("Fri, 4 Dec 2026 17:20:01 +0000", ReceivedDate.format(first));
    assertEquals("Fri, 4 Dec 2026 17:20:01 +0000", ReceivedDate.format(first.plusMillis(999)));
    assertEquals("Fri, 4 Dec 2026 17:20:02 +0000", ReceivedDate.format(first.plusSeconds(1)));
    assertEquals("Thu, 1 Jan 1970 00:00:00 +0000", ReceivedDate.format(Instant.EPOCH));
    assertEquals("Fri, 4 Dec 2026 17:20:01 +0000", ReceivedDate.format(first));
  }
}

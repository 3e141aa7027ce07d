package dev.mailgate.gateway.proxy.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The expiry of a parked backend session ({@link ParkedSession}): {@code idleReuse} after it was
 * parked last, however often it was taken and parked again before. Time is the embedded channel's
 * frozen clock, advanced by hand; the pool's claim is recorded instead of closing a session.
 */
class ParkedSessionTest {

  private static final Duration IDLE = Duration.ofSeconds(30);

  private EmbeddedChannel channel;
  /** Milliseconds on the frozen clock at which the timer tried to claim the session. */
  private final List<Long> claims = new ArrayList<>();
  private long nowMillis;
  private ParkedSession parked;

  @BeforeEach
  void park() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    parked = new ParkedSession(null, channel.eventLoop(), IDLE, p -> {
      claims.add(nowMillis);
      return false; // someone else has it: nothing to close
    });
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void advanceTo(long millis) {
    channel.advanceTimeBy(millis - nowMillis, TimeUnit.MILLISECONDS);
    nowMillis = millis;
    channel.runScheduledPendingTasks();
  }

  @Test
  void anUnclaimedSessionExpiresAtTheEndOfTheWindowNotBefore() {
    parked.parking(null);

    advanceTo(29_999);
    assertThat(claims).isEmpty();

    advanceTo(30_000);
    assertThat(claims).containsExactly(30_000L);
  }

  @Test
  void aSessionParkedAgainExpiresAWholeWindowAfterItsLastPark() {
    parked.parking(null);
    advanceTo(10_000);
    parked.take();
    advanceTo(20_000);
    parked.parking(null);

    advanceTo(30_000); // the first park's timer fires and sees a later park
    assertThat(claims).isEmpty();
    advanceTo(49_999);
    assertThat(claims).isEmpty();

    advanceTo(50_000);
    assertThat(claims).containsExactly(50_000L);
  }

  @Test
  void aSessionInUseWhenTheTimerFiresIsLeftAloneAndExpiresAfterItsNextPark() {
    parked.parking(null);
    advanceTo(5_000);
    parked.take();

    advanceTo(100_000);
    assertThat(claims).as("in use: the timer lapsed").isEmpty();

    parked.parking(null);
    advanceTo(129_999);
    assertThat(claims).isEmpty();
    advanceTo(130_000);
    assertThat(claims).containsExactly(130_000L);
  }

  @Test
  void parkingOverAndOverKeepsOneTimer() {
    for (int i = 1; i <= 1000; i++) {
      parked.parking(null);
      parked.take();
    }
    parked.parking(null);

    advanceTo(30_000);
    assertThat(claims).as("one claim, not one per park").containsExactly(30_000L);
  }
}

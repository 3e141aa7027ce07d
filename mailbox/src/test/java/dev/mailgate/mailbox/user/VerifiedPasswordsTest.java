package dev.mailgate.mailbox.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {
  final AtomicLong nanos = new AtomicLong();
  final Ticker ticker = nanos::get;
  final VerifiedPasswords verified = new VerifiedPasswords(Duration.ofMinutes(10), ticker);

  @Test
  void aVerifiedPasswordIsKnownForItsHashOnly() {
    verified.add("$argon2id$hash-1", "sesame".toCharArray());
    assertThat(verified.contains("$argon2id$hash-1", "sesame".toCharArray())).isTrue();
    assertThat(verified.contains("$argon2id$hash-1", "sesame!".toCharArray())).as("another password").isFalse();
    assertThat(verified.contains("$argon2id$hash-2", "sesame".toCharArray())).as("a changed hash").isFalse();
  }

  @Test
  void aVerificationIsForgottenAfterItsTtl() {
    verified.add("h", "sesame".toCharArray());
    nanos.addAndGet(Duration.ofMinutes(9).toNanos());
    assertThat(verified.contains("h", "sesame".toCharArray())).isTrue();
    nanos.addAndGet(Duration.ofMinutes(2).toNanos());
    assertThat(verified.contains("h", "sesame".toCharArray())).isFalse();
  }

  @Test
  void twoProcessesKeyTheirMacsDifferentlySoNoMacIsPortable() {
    VerifiedPasswords other = new VerifiedPasswords(Duration.ofMinutes(10), ticker);
    other.add("h", "sesame".toCharArray());
    verified.add("h", "other".toCharArray());
    assertThat(verified.contains("h", "sesame".toCharArray())).isFalse();
    assertThat(other.contains("h", "sesame".toCharArray())).isTrue();
  }
}

package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.config.model.HostPort;
import dev.mailgate.policy.Rate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void sizesAreBinaryMultiples() {
    assertThat(Values.size("512")).isEqualTo(512);
    assertThat(Values.size("64KB")).isEqualTo(64 * 1024);
    assertThat(Values.size("50MB")).isEqualTo(50L * 1024 * 1024);
    assertThat(Values.size("1gb")).isEqualTo(1L << 30);
    assertThat(Values.size("2 MiB")).isEqualTo(2L << 20);
  }

  @Test
  void badSizesNameTheAcceptedUnits() {
    assertThatThrownBy(() -> Values.size("50XB")).hasMessageContaining("unknown size unit 'XB'");
    assertThatThrownBy(() -> Values.size("MB")).hasMessageContaining("expected a size");
    assertThatThrownBy(() -> Values.size("99999999999TB")).hasMessageContaining("too large");
  }

  @Test
  void durationsTakeCommonUnits() {
    assertThat(Values.duration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Values.duration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Values.duration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Values.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Values.duration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Values.duration("0")).isZero();
    assertThatThrownBy(() -> Values.duration("15")).hasMessageContaining("expected a duration");
    assertThatThrownBy(() -> Values.duration("3w")).hasMessageContaining("unknown duration unit");
  }

  @Test
  void ratesTakeNamedOrNumericPeriodsAndSizedAmounts() {
    assertThat(Values.rate("100/hour")).isEqualTo(new Rate(100, Duration.ofHours(1)));
    assertThat(Values.rate("10/5m")).isEqualTo(new Rate(10, Duration.ofMinutes(5)));
    assertThat(Values.rate("5/s")).isEqualTo(new Rate(5, Duration.ofSeconds(1)));
    assertThat(Values.rate("500MB/day")).isEqualTo(new Rate(500L << 20, Duration.ofDays(1)));
    assertThatThrownBy(() -> Values.rate("100")).hasMessageContaining("expected a rate");
    assertThatThrownBy(() -> Values.rate("0/hour")).hasMessageContaining("positive");
  }

  @Test
  void hostPortsTakeIpv6InBracketsAndDefaultHost() {
    assertThat(HostPort.parse("mail.example:143", null)).isEqualTo(new HostPort("mail.example",
        143));
    assertThat(HostPort.parse("[::1]:993", null)).isEqualTo(new HostPort("::1", 993));
    assertThat(HostPort.parse(":25", "0.0.0.0")).isEqualTo(new HostPort("0.0.0.0", 25));
    assertThat(HostPort.parse("110", "0.0.0.0")).isEqualTo(new HostPort("0.0.0.0", 110));
    assertThatThrownBy(() -> HostPort.parse("::1:993", null)).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("h:99999", null)).hasMessageContaining("out of range");
  }

  @Test
  void suggestionsPickTheClosestKnownWord() {
    assertThat(Suggest.closest("protocl", java.util.List.of("protocol", "bind", "tls")))
        .contains("protocol");
    assertThat(Suggest.closest("zzzzzz", java.util.List.of("protocol", "bind"))).isEmpty();
  }
}

package dev.mailgate.gateway.metrics;

import dev.mailgate.gateway.session.ProtocolLabel;
import dev.mailgate.gateway.session.SessionListener;
import dev.mailgate.gateway.session.SessionRecord;
import dev.mailgate.gateway.session.SessionSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session meters, fed by the {@link dev.mailgate.gateway.session.SessionRegistry} through the
 * {@link SessionListener} interface: {@code mailgate_sessions_active} and {@code
 * mailgate_sessions_total} by listener and protocol, {@code mailgate_sessions_ended_total} by
 * protocol and reason, {@code mailgate_session_duration_seconds} by protocol. Listener names come
 * from the configuration, so the tag sets are bounded.
 */
final class SessionMeters implements SessionListener {
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10),
    Duration.ofHours(1), Duration.ofHours(8), Duration.ofHours(24)
  };

  private record Key(String listener, String protocol) {}

  private record EndKey(String protocol, String reason) {}

  private final MeterRegistry registry;
  private final ConcurrentHashMap<Key, AtomicLong> active = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, Counter> total = new ConcurrentHashMap<>();
  // Looked up per session end: a builder's register() walks Micrometer's meter map and rebuilds
  // the tag set and the SLO buckets every time, measurable per session on the relay's event loop.
  private final ConcurrentHashMap<EndKey, Counter> endedTotal = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();

  SessionMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void opened(SessionRecord s) {
    Key k = new Key(s.listener(), ProtocolLabel.of(s.protocol()));
    gauge(k).incrementAndGet();
    total
        .computeIfAbsent(
            k,
            key ->
                Counter.builder("mailgate.sessions")
                    .description("Sessions accepted")
                    .tag("listener", key.listener())
                    .tag("protocol", key.protocol())
                    .register(registry))
        .increment();
  }

  @Override
  public void ended(SessionSnapshot s) {
    Key k = new Key(s.listener(), ProtocolLabel.of(s.protocol()));
    gauge(k).decrementAndGet();
    String reason = s.endReason() == null ? "unknown" : s.endReason().label();
    endedTotal
        .computeIfAbsent(
            new EndKey(k.protocol(), reason),
            key ->
                Counter.builder("mailgate.sessions.ended")
                    .description("Sessions ended, by why they ended")
                    .tag("protocol", key.protocol())
                    .tag("reason", key.reason())
                    .register(registry))
        .increment();
    durations
        .computeIfAbsent(
            k.protocol(),
            protocol ->
                Timer.builder("mailgate.session.duration")
                    .description("How long sessions lasted")
                    .tag("protocol", protocol)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry))
        .record(s.duration());
  }

  long active(String listener, String protocol) {
    AtomicLong a = active.get(new Key(listener, protocol));
    return a == null ? 0 : a.get();
  }

  private AtomicLong gauge(Key k) {
    return active.computeIfAbsent(
        k,
        key -> {
          AtomicLong value = new AtomicLong();
          // the map holds the AtomicLong strongly; Micrometer's gauge only holds it weakly
          Gauge.builder("mailgate.sessions.active", value, AtomicLong::get)
              .description("Sessions open now")
              .tag("listener", key.listener())
              .tag("protocol", key.protocol())
              .register(registry);
          return value;
        });
  }
}

package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A child process for {@link DrainOnSigtermTest}: one IMAP session in IDLE and one SMTP session in
 * a transaction, wired to a real {@link DrainCoordinator} and {@link TerminationSignals}; it prints
 * what each session would send and waits for a signal.
 */
public final class DrainOnSigtermMain {
  private DrainOnSigtermMain() {}

  public static void main(String[] args) throws Exception {
    SessionRegistry registry = new SessionRegistry(Clock.systemUTC(), new SessionIds(), List.of());
    DrainCoordinator coordinator =
        new DrainCoordinator(
            registry,
            () -> Mono.fromRunnable(() -> System.out.println("listeners: stopped accepting")),
            Duration.ofSeconds(10),
            Schedulers.parallel());
    open(registry, Protocol.IMAP, "* BYE [UNAVAILABLE] shutting down");
    open(registry, Protocol.SMTP, "250 2.0.0 queued, then 421 4.3.2 shutting down");
    TerminationSignals.Mechanism m =
        new TerminationSignals(
                coordinator::drain, () -> System.out.println("reload"), System::exit, Duration.ofSeconds(20))
            .install();
    System.out.println("ready " + m);
    System.out.flush();
    new CountDownLatch(1).await();
  }

  private static void open(SessionRegistry registry, Protocol protocol, String goodbye) {
    SessionRecord[] self = new SessionRecord[1];
    self[0] =
        registry.open(
            new SessionStart(protocol, ProtocolLabel.of(protocol), new InetSocketAddress("127.0.0.1", 1)),
            new SessionControl() {
              @Override
              public void kick() {
                close();
              }

              @Override
              public void drain() {
                // the SMTP transaction completes on another thread, as a backend reply would
                Schedulers.parallel()
                    .schedule(
                        () -> {
                          System.out.println(ProtocolLabel.of(protocol) + ": " + goodbye);
                          self[0].end(EndReason.DRAIN);
                        },
                        protocol == Protocol.SMTP ? 200 : 0,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
              }

              @Override
              public void close() {
                self[0].end(EndReason.DRAIN);
              }
            });
  }
}

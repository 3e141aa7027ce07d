package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  private final RecordingListener events = new RecordingListener();
  private final SessionRegistry registry =
      new SessionRegistry(clock, new SessionIds(0x12345), List.of(events));

  @Test
  void openRegistersTheSessionAndNotifiesListeners() {
    FakeSession s = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);

    assertThat(registry.size()).isEqualTo(1);
    assertThat(registry.byId(s.record.id())).containsSame(s.record);
    assertThat(events.opened).containsExactly(s.record.id());
  }

  @Test
  void snapshotCarriesEverythingTheSessionLearned() {
    FakeSession s = FakeSession.open(registry, Protocol.SMTP, FakeSession.OnDrain.END_NOW);
    SessionRecord r = s.record;
    r.tlsEstablished(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
    r.authenticated("alice@example.test");
    r.backendConnected("postfix-1");
    r.addBytesIn(100);
    r.addBytesIn(23);
    r.addBytesOut(4000);
    clock.advance(Duration.ofMillis(1500));

    SessionSnapshot snap = r.snapshot();

    assertThat(snap.id()).isEqualTo(r.id());
    assertThat(snap.protocol()).isEqualTo(Protocol.SMTP);
    assertThat(snap.listener()).isEqualTo("smtp-test");
    assertThat(snap.clientAddress()).isEqualTo("192.0.2.7");
    assertThat(snap.clientPort()).isEqualTo(40001);
    assertThat(snap.tls()).isEqualTo(new TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
    assertThat(snap.user()).isEqualTo("alice@example.test");
    assertThat(snap.backend()).isEqualTo("postfix-1");
    assertThat(snap.bytesIn()).isEqualTo(123);
    assertThat(snap.bytesOut()).isEqualTo(4000);
    assertThat(snap.startedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    assertThat(snap.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(snap.endReason()).isNull();
  }

  @Test
  void endUnregistersOnceAndFreezesTheSnapshot() {
    FakeSession s = FakeSession.open(registry, Protocol.POP3, FakeSession.OnDrain.END_NOW);
    clock.advance(Duration.ofSeconds(2));

    assertThat(s.record.end(EndReason.CLIENT_QUIT)).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(s.record.end(EndReason.SERVER_ERROR)).isFalse();

    assertThat(registry.size()).isZero();
    assertThat(events.ended).hasSize(1);
    SessionSnapshot last = events.ended.get(0);
    assertThat(last.endReason()).isEqualTo(EndReason.CLIENT_QUIT);
    assertThat(last.duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.record.snapshot()).isEqualTo(last);
  }

  @Test
  void kickByUserCallsTheKickHookAndRecordsKicked() {
    FakeSession a = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    FakeSession b = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    FakeSession other = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    a.record.authenticated("Bob@Example.test");
    b.record.authenticated("bob@example.test");
    other.record.authenticated("carol@example.test");

    List<SessionRecord> bobs = registry.byUser("BOB@example.test");
    assertThat(bobs).containsExactlyInAnyOrder(a.record, b.record);
    bobs.forEach(registry::kick);

    assertThat(a.calls).containsExactly("kick");
    assertThat(other.calls).isEmpty();
    assertThat(registry.all()).containsExactly(other.record);
    // the session's own close reported CLIENT_CLOSED; the kick recorded first wins
    assertThat(events.ended).extracting(SessionSnapshot::endReason).containsOnly(EndReason.KICKED);
  }

  @Test
  void aSessionCanKeepTheIdItsListenerGaveIt() {
    SessionStart start =
        new SessionStart(Protocol.POP3, "pop3s", new InetSocketAddress("192.0.2.7", 40001));
    SessionRecord r = registry.open("ab12-7", start, new FakeSession(FakeSession.OnDrain.END_NOW));

    assertThat(r.id()).isEqualTo("ab12-7");
    assertThat(registry.byId("ab12-7")).containsSame(r);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> registry.open("ab12-7", start, new FakeSession(FakeSession.OnDrain.END_NOW)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kickOfAnEndedSessionDoesNothing() {
    FakeSession s = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.END_NOW);
    s.record.end(EndReason.CLIENT_QUIT);

    assertThat(registry.kick(s.record)).isFalse();
    assertThat(s.calls).isEmpty();
  }

  @Test
  void sessionOpenedWhileDrainingIsAskedToDrainAtOnce() {
    registry.drainAll();

    FakeSession late = FakeSession.open(registry, Protocol.SMTP, FakeSession.OnDrain.WAIT);

    assertThat(late.calls).containsExactly("drain");
  }

  @Test
  void sessionWhoseDrainHookThrowsIsClosedAndStillLogged() {
    FakeSession broken = FakeSession.open(registry, Protocol.IMAP, FakeSession.OnDrain.THROW);

    registry.drainAll();

    assertThat(broken.calls).containsExactly("drain", "close");
    assertThat(registry.size()).isZero();
    assertThat(events.ended).extracting(SessionSnapshot::endReason).containsExactly(EndReason.DRAIN);
  }

  @Test
  void idsAreUniqueShortAndNeedNoQuoting() {
    SessionIds ids = new SessionIds();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = ids.next();
      assertThat(id).matches("[0-9a-v]{4}-[0-9a-v]{1,13}");
      assertThat(seen.add(id)).isTrue();
    }
    assertThat(new SessionIds(0x12345).next()).isEqualTo("28q5-1");
  }

  @Test
  void unresolvedClientAddressIsShownAsGiven() {
    SessionRecord r =
        registry.open(
            new SessionStart(Protocol.IMAP, "imap", InetSocketAddress.createUnresolved("client.invalid", 1)),
            new FakeSession(FakeSession.OnDrain.END_NOW));
    assertThat(r.snapshot().clientAddress()).isEqualTo("client.invalid");
  }
}

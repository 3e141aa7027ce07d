package dev.mailgate.gateway.session;

import dev.mailgate.gateway.net.Protocol;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A session that records the hooks called on it and ends when told, with no network. */
final class FakeSession implements SessionControl {
  /** What the fake does when asked to drain. */
  enum OnDrain {
    /** An IMAP session in IDLE: says BYE and ends at once. */
    END_NOW,
    /** An SMTP session in a transaction: ends only when the test calls {@link #finish()}. */
    WAIT,
    /** A broken session whose drain hook throws. */
    THROW
  }

  final List<String> calls = new ArrayList<>();
  final OnDrain onDrain;
  SessionRecord record;

  FakeSession(OnDrain onDrain) {
    this.onDrain = onDrain;
  }

  static FakeSession open(SessionRegistry registry, Protocol protocol, OnDrain onDrain) {
    FakeSession s = new FakeSession(onDrain);
    s.record =
        registry.open(
            new SessionStart(protocol, ProtocolLabel.of(protocol) + "-test", new InetSocketAddress("192.0.2.7", 40001)),
            s);
    return s;
  }

  @Override
  public synchronized void kick() {
    calls.add("kick");
    record.end(EndReason.CLIENT_CLOSED);
  }

  @Override
  public synchronized void drain() {
    calls.add("drain");
    switch (onDrain) {
      case END_NOW -> record.end(EndReason.CLIENT_CLOSED);
      case WAIT -> {}
      case THROW -> throw new IllegalStateException("broken drain hook");
    }
  }

  @Override
  public synchronized void close() {
    calls.add("close");
    record.end(EndReason.CLIENT_CLOSED);
  }

  /** The transaction in flight completed; the session says 421 and ends. */
  void finish() {
    record.end(EndReason.CLIENT_QUIT);
  }
}

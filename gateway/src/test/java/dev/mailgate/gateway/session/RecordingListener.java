package dev.mailgate.gateway.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects the open and end events a registry sends. */
final class RecordingListener implements SessionListener {
  final List<String> opened = new CopyOnWriteArrayList<>();
  final List<SessionSnapshot> ended = new CopyOnWriteArrayList<>();

  @Override
  public void opened(SessionRecord session) {
    opened.add(session.id());
  }

  @Override
  public void ended(SessionSnapshot session) {
    ended.add(session);
  }
}

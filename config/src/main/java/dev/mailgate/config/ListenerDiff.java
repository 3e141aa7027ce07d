package dev.mailgate.config;

import dev.mailgate.config.model.ListenerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the listeners of two snapshots differ, by name, so the gateway can start the added ones,
 * stop the removed ones, rebind the changed ones and leave the others (and their sessions) alone.
 */
public record ListenerDiff(
    List<ListenerConfig> added,
    List<ListenerConfig> removed,
    List<Changed> changed,
    List<String> unchanged) {

  /** A listener present in both snapshots with different settings. */
  public record Changed(ListenerConfig before, ListenerConfig after) {
    /**
     * True when the socket must be rebound (address, protocol, TLS mode or PROXY protocol
     * changed); false when only limits or plaintext-auth networks changed, which new sessions
     * simply pick up from the new snapshot.
     */
    public boolean needsRebind() {
      return !before.bind().equals(after.bind())
          || before.protocol() != after.protocol()
          || before.tls() != after.tls()
          || !before.proxyProtocol().equals(after.proxyProtocol());
    }
  }

  public ListenerDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    unchanged = List.copyOf(unchanged);
  }

  public static ListenerDiff between(List<ListenerConfig> before, List<ListenerConfig> after) {
    Map<String, ListenerConfig> old = new LinkedHashMap<>();
    before.forEach(l -> old.put(l.name(), l));
    List<ListenerConfig> added = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (ListenerConfig l : after) {
      ListenerConfig o = old.remove(l.name());
      if (o == null) {
        added.add(l);
      } else if (o.equals(l)) {
        unchanged.add(l.name());
      } else {
        changed.add(new Changed(o, l));
      }
    }
    return new ListenerDiff(added, new ArrayList<>(old.values()), changed, unchanged);
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }
}

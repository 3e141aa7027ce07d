package dev.mailgate.gateway.net;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import reactor.netty.channel.AbortedException;

/** Tells a peer's disconnect (reset, broken pipe, write to a closed channel) from a real failure. */
final class Disconnects {

  private Disconnects() {}

  static boolean isDisconnect(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof ClosedChannelException || t instanceof AbortedException) {
        return true;
      }
    }
    return false;
  }
}

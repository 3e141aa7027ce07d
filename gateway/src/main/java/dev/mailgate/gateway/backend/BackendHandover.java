package dev.mailgate.gateway.backend;

import io.netty.channel.ChannelFuture;
import java.util.function.Supplier;

/**
 * A way for a session to end its relay while keeping the backend connection, logged in, for
 * another client's session (the IMAP proxy's reuse of a backend session after LOGOUT). The session
 * passes one to {@link Relay#run} and keeps it; the relay attaches itself when it starts.
 *
 * <p>Only the unpaced relay ({@link PipelineRelay}) supports it; with a pacer {@link #keepBackend}
 * says no and the session goes on as before.
 */
public final class BackendHandover {

  private volatile PipelineRelay relay;

  void attach(PipelineRelay r) {
    relay = r;
  }

  /**
   * On the client's event loop: stops relaying, leaving the backend connection open and out of the
   * relay, then writes the client's goodbye with {@code goodbye}; the relay ends with {@link
   * Relay.End#HANDED_OVER} once that write is done. False when the relay cannot hand over (not
   * started, paced, or ending): nothing was done.
   */
  public boolean keepBackend(Supplier<ChannelFuture> goodbye) {
    PipelineRelay r = relay;
    return r != null && r.keepBackend(goodbye);
  }
}

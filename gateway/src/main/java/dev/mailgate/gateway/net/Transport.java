package dev.mailgate.gateway.net;

import io.netty.channel.Channel;
import reactor.netty.resources.LoopResources;

/**
 * The event loops all listeners and backend connections share. reactor-netty picks the native
 * transport itself (io_uring, then epoll, then NIO; {@code -Dreactor.netty.native=false} forces NIO)
 * and says nothing, so {@link #describe(Channel)} names what a bound channel actually runs on.
 */
public final class Transport implements AutoCloseable {

  /**
   * Netty's io_uring accepts with one multishot request that stays armed while a listener's
   * auto-read is off. When the process is out of file descriptors every pending connection then
   * completes that request at once with another EMFILE, and the accepting loop spun at 94% of a
   * core, where reactor-netty meant to pause it for a second ({@link AcceptFailures}). Single-shot
   * accepts honour the pause; {@code -Dio.netty.iouring.acceptMultiShotEnabled=true} restores
   * Netty's default. Set before Netty's {@code IoUring} class reads it, on the first transport.
   */
  static final String ACCEPT_MULTISHOT = "io.netty.iouring.acceptMultiShotEnabled";

  static {
    if (System.getProperty(ACCEPT_MULTISHOT) == null) {
      System.setProperty(ACCEPT_MULTISHOT, "false");
    }
  }

  private final LoopResources loops;

  private Transport(LoopResources loops) {
    this.loops = loops;
  }

  /** {@code workers} event loops named {@code prefix-*} (the configuration's {@code server.io_threads}). */
  public static Transport create(String prefix, int workers) {
    return new Transport(LoopResources.create(prefix, 1, workers, true));
  }

  public LoopResources loops() {
    return loops;
  }

  /** "io_uring", "epoll", "kqueue" or "nio", from the channel class actually in use. */
  public static String describe(Channel channel) {
    String n = channel.getClass().getSimpleName();
    if (n.startsWith("IoUring")) {
      return "io_uring";
    }
    if (n.startsWith("Epoll")) {
      return "epoll";
    }
    if (n.startsWith("KQueue")) {
      return "kqueue";
    }
    return n.startsWith("Nio") ? "nio" : n;
  }

  @Override
  public void close() {
    loops.disposeLater().block(java.time.Duration.ofSeconds(5));
  }
}

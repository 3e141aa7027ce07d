package dev.mailgate.gateway.net;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Work that must run on a channel's own event loop: pipeline surgery, a session's state. */
public final class EventLoops {

  private EventLoops() {}

  /** Runs {@code task} now when called on {@code loop}, else queues it there (in order). */
  public static void run(EventExecutor loop, Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  static <T> Mono<T> on(Channel channel, Supplier<Mono<T>> work) {
    Mono<T> m = Mono.defer(work);
    return channel.eventLoop().inEventLoop() ? m : m.subscribeOn(Schedulers.fromExecutor(channel.eventLoop()));
  }
}

package dev.mailgate.gateway.net;

import io.netty.channel.Channel;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Runs pipeline surgery on the channel's own event loop, as Netty requires for ordering. */
final class EventLoops {

  private EventLoops() {}

  static <T> Mono<T> on(Channel channel, Supplier<Mono<T>> work) {
    Mono<T> m = Mono.defer(work);
    return channel.eventLoop().inEventLoop() ? m : m.subscribeOn(Schedulers.fromExecutor(channel.eventLoop()));
  }
}

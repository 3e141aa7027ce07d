package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandEncoder;
import dev.mailgate.codec.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DATA, the content exactly as the client sent it (dot-stuffed, ending with CRLF) and {@code
 * .CRLF}, then the final reply within the data-end timeout, as one {@link ReplyCall}: {@link
 * SmtpTransactionClient#dotStuffedMessage}. A reply other than 354 to DATA is the outcome once the
 * content has been consumed (released). The content is written through {@link SmtpWire#write}
 * (reactor-netty's send, which keeps the client's side reading while the backend's socket drains).
 * The outcome is a reply, never an error, except when the content itself fails while it is being
 * drained after a refused DATA.
 */
final class DotStuffedData extends Mono<SmtpReply> {
  private final SmtpTransactionClient client;
  private final SmtpWire wire;
  private final Publisher<ByteBuf> content;

  DotStuffedData(SmtpTransactionClient client, SmtpWire wire, Publisher<ByteBuf> content) {
    this.client = client;
    this.wire = wire;
    this.content = content;
  }

  @Override
  public void subscribe(CoreSubscriber<? super SmtpReply> actual) {
    new Run(actual).start();
  }

  private enum Stage { DATA, DRAINING, WRITING, FINAL }

  /** Subscribes to the content (draining) or to its write (a {@code Mono<Void>}), one at a time. */
  private final class Run extends ReplyCall<SmtpReply> implements ChannelFutureListener, CoreSubscriber<Object> {
    private volatile Stage stage = Stage.DATA;
    /** The reply to DATA when it was not 354: the outcome once the content is drained. */
    private SmtpReply refusal;
    private volatile Subscription inner;

    Run(CoreSubscriber<? super SmtpReply> actual) {
      super(DotStuffedData.this.wire, actual);
    }

    @Override
    void begin() {
      ByteBuf out = wire.alloc().buffer(8);
      SmtpCommandEncoder.encode(new SmtpCommand.Data(), out);
      wire.writeAndFlush(out).addListener(this);
      wire.replies().await(this, wire.limits().commandTimeout());
    }

    @Override
    public void operationComplete(ChannelFuture f) {
      if (!f.isSuccess() && stage == Stage.DATA && !isFinished()) {
        wire.replies().forget(this);
        refused(client.lost(f.cause()));
      }
    }

    @Override
    void reply(SmtpReply reply) {
      if (stage == Stage.FINAL) {
        client.contentEnded();
        complete(reply);
      } else if (reply.code() != 354) {
        refused(reply);
      } else {
        stage = Stage.WRITING;
        Flux<ByteBuf> message = Flux.from(content).concatWith(Mono.fromSupplier(SmtpCommandEncoder::endOfData));
        wire.write(message).subscribe(this);
      }
    }

    @Override
    void failed(Throwable t) {
      if (stage == Stage.FINAL) {
        complete(client.abortConversion(t));
      } else {
        refused(client.lost(t));
      }
    }

    private void refused(SmtpReply reply) {
      if (stage != Stage.DATA) {
        return;
      }
      refusal = reply;
      stage = Stage.DRAINING;
      Flux.from(content).subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
      inner = s;
      if (isCancelled()) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(Object o) {
      ReferenceCountUtil.release(o); // content drained after a refused DATA; the write emits none
    }

    @Override
    public void onError(Throwable t) {
      if (stage == Stage.DRAINING) {
        fail(t);
      } else {
        complete(client.abortConversion(t));
      }
    }

    @Override
    public void onComplete() {
      if (stage == Stage.DRAINING) {
        complete(refusal);
        return;
      }
      stage = Stage.FINAL;
      wire.replies().await(this, wire.limits().dataEndTimeout());
    }

    @Override
    void stop() {
      Subscription s = inner;
      if (s != null) {
        s.cancel();
      }
      if (stage != Stage.DRAINING) {
        wire.close(); // mid-content or a reply owed: only closing keeps the backend from taking it
      }
    }
  }
}

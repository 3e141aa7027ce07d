package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpCommandEncoder;
import dev.mailgate.codec.smtp.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayList;
import java.util.List;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * RFC 2920 3.1: RSET (when the session was used before), MAIL and the RCPTs in one write, then
 * their replies in order, as one {@link ReplyCall}. A RSET refused, the write failing, the
 * connection failing or a reply late: the transaction is lost ({@link SmtpTransactionClient#lost},
 * every reply {@link BackendReplies#LOST}).
 */
final class PipelinedEnvelope extends Mono<EnvelopeReplies> {
  private final SmtpTransactionClient client;
  private final SmtpWire wire;
  private final SmtpCommand.Mail mail;
  private final List<SmtpCommand.Rcpt> rcpts;

  PipelinedEnvelope(SmtpTransactionClient client, SmtpWire wire, SmtpCommand.Mail mail,
      List<SmtpCommand.Rcpt> rcpts) {
    this.client = client;
    this.wire = wire;
    this.mail = mail;
    this.rcpts = rcpts;
  }

  @Override
  public void subscribe(CoreSubscriber<? super EnvelopeReplies> actual) {
    new Run(actual, client.startTransaction()).start();
  }

  private final class Run extends ReplyCall<EnvelopeReplies> implements ChannelFutureListener {
    private final boolean rset;
    private boolean awaitingReset;
    private SmtpReply mailReply;
    private final List<SmtpReply> rcptReplies = new ArrayList<>(rcpts.size());

    Run(CoreSubscriber<? super EnvelopeReplies> actual, boolean rset) {
      super(PipelinedEnvelope.this.wire, actual);
      this.rset = rset;
      this.awaitingReset = rset;
    }

    @Override
    void begin() {
      ByteBuf out = wire.alloc().buffer();
      try {
        if (rset) {
          SmtpCommandEncoder.encode(new SmtpCommand.Rset(), out);
        }
        SmtpCommandEncoder.encode(mail, out);
        for (SmtpCommand.Rcpt r : rcpts) {
          SmtpCommandEncoder.encode(r, out);
        }
      } catch (RuntimeException e) {
        out.release();
        lose(e); // a CR or LF in a parameter: nothing was sent
        return;
      }
      wire.writeAndFlush(out).addListener(this);
      wire.replies().await(this, wire.limits().commandTimeout());
    }

    @Override
    public void operationComplete(ChannelFuture f) {
      if (!f.isSuccess()) {
        lose(f.cause());
      }
    }

    @Override
    void reply(SmtpReply reply) {
      if (awaitingReset) {
        awaitingReset = false;
        if (reply.code() != 250) {
          lose(new ReplyReader.BackendProtocolError("backend refused RSET: " + reply.code()));
          return;
        }
      } else if (mailReply == null) {
        mailReply = reply;
      } else {
        rcptReplies.add(reply);
      }
      if (mailReply != null && rcptReplies.size() == rcpts.size()) {
        complete(new EnvelopeReplies(mailReply, rcptReplies));
      } else {
        wire.replies().await(this, wire.limits().commandTimeout());
      }
    }

    @Override
    void failed(Throwable t) {
      lose(t);
    }

    private void lose(Throwable t) {
      if (isFinished()) {
        return;
      }
      client.lost(t);
      complete(new EnvelopeReplies(BackendReplies.LOST, rcpts.stream().map(r -> BackendReplies.LOST).toList()));
    }

    @Override
    void stop() {
      wire.close(); // replies still owed would answer the next transaction's commands
    }
  }
}

package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of DATA or BDAT content: a retained, zero-copy slice of the received bytes. The receiver
 * releases it (or passes it on to a writer that does). How content is cut into pieces depends on
 * how the bytes arrived; only their concatenation is meaningful.
 */
public final class SmtpContent extends DefaultByteBufHolder {
  public SmtpContent(ByteBuf content) {
    super(content);
  }

  @Override
  public SmtpContent replace(ByteBuf content) {
    return new SmtpContent(content);
  }

  @Override
  public SmtpContent retain() {
    super.retain();
    return this;
  }

  @Override
  public SmtpContent retainedDuplicate() {
    return replace(content().retainedDuplicate());
  }

  @Override
  public String toString() {
    return "SmtpContent(" + content().readableBytes() + " bytes)";
  }
}

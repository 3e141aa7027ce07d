package dev.mailgate.codec.proxy;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.ProtocolError;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Server side: reads the PROXY protocol header a trusted load balancer puts in front of a
 * connection (HAProxy spec: version 1 section 2.1, version 2 section 2.2), emits one {@link
 * ProxyHeader}, then removes itself from the pipeline so every following byte passes through
 * untouched (bytes that arrived with the header are forwarded first, in order).
 *
 * <p>Incremental at any split: the version is told from the first bytes ({@code "PROXY "} or the
 * 12-byte v2 signature) as soon as they differ. Bounded: a v1 line must end within {@link
 * ProxyLimits#V1_MAX_LENGTH} bytes with CRLF; a v2 header longer than {@link
 * ProxyLimits#maxV2Length()} is refused from its length field, before its body is buffered.
 *
 * <p>A connection that does not start with a valid header gets one {@link DecodeFailure} (there is
 * no terminator to resynchronise on); the decoder then swallows all input and the session closes
 * the connection.
 */
public final class ProxyProtocolDecoder extends ByteToMessageDecoder {
  static final byte[] V2_SIGNATURE = {
      0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  static final byte[] V1_PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};

  private final ProxyLimits limits;
  private boolean finished;
  private boolean failed;

  public ProxyProtocolDecoder() {
    this(ProxyLimits.DEFAULTS);
  }

  public ProxyProtocolDecoder(ProxyLimits limits) {
    this.limits = limits;
    setSingleDecode(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    super.channelRead(ctx, msg);
    if (finished && !ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    Object msg = decodeHeader(in);
    if (msg instanceof ProxyHeader) {
      finished = true;
      out.add(msg);
    } else if (msg instanceof DecodeFailure) {
      failed = true;
      out.add(msg);
    }
  }

  /** The connection closed in the middle of a header: that is a truncated header, not silence. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    decode(ctx, in, out);
    if (!finished && !failed && out.isEmpty() && in.isReadable()) {
      in.skipBytes(in.readableBytes());
      failed = true;
      out.add(DecodeFailure.of(ProtocolError.SYNTAX, "connection closed inside the PROXY header"));
    }
  }

  /** A header, a failure, or {@code null} when more bytes are needed. */
  Object decodeHeader(ByteBuf in) {
    if (failed || finished) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    int start = in.readerIndex();
    int n = in.readableBytes();
    if (matchesPrefix(in, V2_SIGNATURE)) {
      if (n < ProxyV2Parser.FIXED) {
        return null;
      }
      int len = in.getUnsignedShort(start + 14);
      if (len > limits.maxV2Length()) {
        in.skipBytes(n);
        return DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "PROXY v2 header longer than the limit");
      }
      if (n < ProxyV2Parser.FIXED + len) {
        return null;
      }
      byte[] header = new byte[ProxyV2Parser.FIXED + len];
      in.readBytes(header);
      return ProxyV2Parser.parse(header, limits);
    }
    if (matchesPrefix(in, V1_PREFIX)) {
      int searchEnd = start + Math.min(n, ProxyLimits.V1_MAX_LENGTH);
      int lf = in.indexOf(start, searchEnd, (byte) '\n');
      if (lf < 0) {
        if (n >= ProxyLimits.V1_MAX_LENGTH) {
          in.skipBytes(n);
          return DecodeFailure.of(ProtocolError.LINE_TOO_LONG, "PROXY v1 line longer than 107 bytes");
        }
        return null;
      }
      if (lf == start || in.getByte(lf - 1) != '\r') {
        in.skipBytes(n);
        return DecodeFailure.of(ProtocolError.BAD_LINE_ENDING, "PROXY v1 line not ended by CRLF");
      }
      byte[] line = new byte[lf - 1 - start];
      in.readBytes(line);
      in.skipBytes(2);
      return ProxyV1Parser.parse(line);
    }
    in.skipBytes(n);
    return DecodeFailure.of(ProtocolError.SYNTAX, "connection does not start with a PROXY header");
  }

  /** Whether the readable bytes agree with {@code sig} as far as both go; false on a mismatch. */
  private static boolean matchesPrefix(ByteBuf in, byte[] sig) {
    int n = Math.min(in.readableBytes(), sig.length);
    int r = in.readerIndex();
    for (int i = 0; i < n; i++) {
      if (in.getByte(r + i) != sig[i]) {
        return false;
      }
    }
    return true;
  }
}

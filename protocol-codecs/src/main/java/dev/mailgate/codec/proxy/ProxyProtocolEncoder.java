package dev.mailgate.codec.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Client side: writes a {@link ProxyHeader} in front of the backend connection to convey the real
 * client (HAProxy spec: v1 section 2.1, v2 section 2.2 with TLVs). The header's {@code version}
 * picks the format. Write it first, before any protocol byte.
 */
public final class ProxyProtocolEncoder extends MessageToByteEncoder<ProxyHeader> {

  public ProxyProtocolEncoder() {
    super(ProxyHeader.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ProxyHeader msg, ByteBuf out) {
    write(msg, out);
  }

  /** Writes {@code h} in its version's format. */
  public static void write(ProxyHeader h, ByteBuf out) {
    if (h.version() == 1) {
      writeV1(h, out);
    } else {
      writeV2(h, out);
    }
  }

  /** {@code PROXY TCP4|TCP6 src dst sport dport CRLF}, or {@code PROXY UNKNOWN CRLF}. */
  public static void writeV1(ProxyHeader h, ByteBuf out) {
    StringBuilder sb = new StringBuilder(ProxyLimits.V1_MAX_LENGTH).append("PROXY ");
    if (h.family() == ProxyHeader.Family.INET || h.family() == ProxyHeader.Family.INET6) {
      InetSocketAddress s = (InetSocketAddress) h.source();
      InetSocketAddress d = (InetSocketAddress) h.destination();
      sb.append(h.family() == ProxyHeader.Family.INET ? "TCP4 " : "TCP6 ")
          .append(text(s)).append(' ').append(text(d)).append(' ')
          .append(s.getPort()).append(' ').append(d.getPort());
    } else {
      sb.append("UNKNOWN");
    }
    sb.append("\r\n");
    out.writeCharSequence(sb, StandardCharsets.US_ASCII);
  }

  /** The binary v2 header with the header's TLVs. */
  public static void writeV2(ProxyHeader h, ByteBuf out) {
    out.writeBytes(ProxyProtocolDecoder.V2_SIGNATURE);
    out.writeByte(0x20 | (h.command() == ProxyHeader.Command.PROXY ? 1 : 0));
    out.writeByte((h.family().ordinal() << 4) | h.transport().ordinal());
    int lengthAt = out.writerIndex();
    out.writeShort(0);
    int bodyStart = out.writerIndex();
    if (h.source() instanceof InetSocketAddress s && h.destination() instanceof InetSocketAddress d) {
      out.writeBytes(bytes(s, h.family()));
      out.writeBytes(bytes(d, h.family()));
      out.writeShort(s.getPort());
      out.writeShort(d.getPort());
    } else if (h.source() instanceof UnixDomainSocketAddress s
        && h.destination() instanceof UnixDomainSocketAddress d) {
      writePath(s, out);
      writePath(d, out);
    }
    for (ProxyTlv t : h.tlvs()) {
      out.writeByte(t.type());
      out.writeShort(t.length());
      out.writeBytes(t.valueUnsafe());
    }
    int length = out.writerIndex() - bodyStart;
    if (length > 0xffff) {
      throw new IllegalArgumentException("PROXY v2 header longer than 65535 bytes");
    }
    out.setShort(lengthAt, length);
  }

  private static String text(InetSocketAddress a) {
    String s = a.getAddress().getHostAddress();
    int zone = s.indexOf('%');
    return zone < 0 ? s : s.substring(0, zone);
  }

  private static byte[] bytes(InetSocketAddress a, ProxyHeader.Family family) {
    byte[] b = a.getAddress().getAddress();
    if (family == ProxyHeader.Family.INET6 && b.length == 4) {
      byte[] mapped = new byte[16]; // an IPv4 peer on an IPv6 header: ::ffff:a.b.c.d
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(b, 0, mapped, 12, 4);
      return mapped;
    }
    if (family == ProxyHeader.Family.INET && a.getAddress() instanceof Inet6Address) {
      throw new IllegalArgumentException("IPv6 address on an AF_INET header");
    }
    return b;
  }

  private static void writePath(UnixDomainSocketAddress a, ByteBuf out) {
    byte[] p = a.getPath().toString().getBytes(StandardCharsets.UTF_8);
    if (p.length > 107) {
      throw new IllegalArgumentException("unix socket path longer than 107 bytes");
    }
    out.writeBytes(p);
    out.writeZero(108 - p.length);
  }
}

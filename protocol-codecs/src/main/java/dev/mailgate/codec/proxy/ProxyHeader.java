package dev.mailgate.codec.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A decoded PROXY protocol header (HAProxy spec, version 1 section 2.1, version 2 section 2.2):
 * who the client really is. {@code source} and {@code destination} are {@code null} for LOCAL
 * connections (health checks from the proxy itself) and for UNKNOWN / AF_UNSPEC.
 *
 * @param version 1 or 2
 * @param tlvs v2 TLVs in arrival order (NOOP and CRC32C dropped; empty for v1)
 */
public record ProxyHeader(
    int version,
    Command command,
    Family family,
    Transport transport,
    SocketAddress source,
    SocketAddress destination,
    List<ProxyTlv> tlvs) {

  /** v2 command (byte 13 low nibble); v1 headers are always PROXY. */
  public enum Command { LOCAL, PROXY }

  /** Address family: v1 TCP4/TCP6/UNKNOWN map to INET/INET6/UNSPEC. */
  public enum Family { UNSPEC, INET, INET6, UNIX }

  /** Transport protocol (v1 is always STREAM, or UNSPEC for UNKNOWN). */
  public enum Transport { UNSPEC, STREAM, DGRAM }

  public ProxyHeader {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("version must be 1 or 2");
    }
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(transport, "transport");
    tlvs = List.copyOf(tlvs);
    boolean addressed = command == Command.PROXY && family != Family.UNSPEC;
    if (addressed != (source != null && destination != null)) {
      throw new IllegalArgumentException("addresses must be given exactly for PROXY with a family");
    }
    if (addressed) {
      Class<?> want = family == Family.UNIX ? UnixDomainSocketAddress.class : InetSocketAddress.class;
      if (!want.isInstance(source) || !want.isInstance(destination)) {
        throw new IllegalArgumentException("addresses do not match family " + family);
      }
    }
    if (version == 1 && (command == Command.LOCAL || family == Family.UNIX || !tlvs.isEmpty()
        || transport == Transport.DGRAM)) {
      throw new IllegalArgumentException("version 1 carries only TCP over IPv4/IPv6 or UNKNOWN");
    }
  }

  /** A TCP connection from {@code source} to {@code destination} (family from the addresses). */
  public static ProxyHeader tcp(int version, InetSocketAddress source, InetSocketAddress destination,
      List<ProxyTlv> tlvs) {
    Family f = source.getAddress() instanceof java.net.Inet6Address ? Family.INET6 : Family.INET;
    return new ProxyHeader(version, Command.PROXY, f, Transport.STREAM, source, destination, tlvs);
  }

  /** v2 LOCAL: the proxy's own connection (health check); use the real peer address. */
  public static ProxyHeader local() {
    return new ProxyHeader(2, Command.LOCAL, Family.UNSPEC, Transport.UNSPEC, null, null, List.of());
  }

  /** v1 UNKNOWN: the proxy could not tell; use the real peer address. */
  public static ProxyHeader unknownV1() {
    return new ProxyHeader(1, Command.PROXY, Family.UNSPEC, Transport.UNSPEC, null, null, List.of());
  }

  /** The first TLV of {@code type}, or {@code null}. */
  public ProxyTlv tlv(int type) {
    for (ProxyTlv t : tlvs) {
      if (t.type() == type) {
        return t;
      }
    }
    return null;
  }

  /** PP2_TYPE_ALPN as text (e.g. "imap"), or {@code null}. */
  public String alpn() {
    ProxyTlv t = tlv(ProxyTlv.PP2_TYPE_ALPN);
    return t == null ? null : t.text();
  }

  /** PP2_TYPE_AUTHORITY: the SNI host name the client asked for, or {@code null}. */
  public String authority() {
    ProxyTlv t = tlv(ProxyTlv.PP2_TYPE_AUTHORITY);
    return t == null ? null : t.text();
  }

  /** PP2_TYPE_SSL parsed, or {@code null} when absent or malformed. */
  public ProxySsl ssl() {
    ProxyTlv t = tlv(ProxyTlv.PP2_TYPE_SSL);
    return t == null ? null : ProxyV2Parser.parseSsl(t.valueUnsafe(), Integer.MAX_VALUE);
  }
}

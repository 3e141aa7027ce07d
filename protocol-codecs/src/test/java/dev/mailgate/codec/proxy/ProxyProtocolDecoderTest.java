package dev.mailgate.codec.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyProtocolDecoderTest {
  static final Supplier<ChannelHandler> DECODER = ProxyProtocolDecoder::new;

  static String describe(Object msg) {
    if (msg instanceof DecodeFailure f) {
      return "FAIL " + f.error();
    }
    if (msg instanceof ByteBuf b) {
      return "DATA " + b.toString(StandardCharsets.ISO_8859_1);
    }
    return String.valueOf(msg);
  }

  static List<String> decode(Supplier<ChannelHandler> decoder, byte[] input) {
    List<List<String>> results = new ArrayList<>();
    for (List<byte[]> way : Splits.allSplits(input, 99)) {
      List<String> joined = new ArrayList<>();
      for (String s : Splits.decode(decoder, way, ProxyProtocolDecoderTest::describe)) {
        int last = joined.size() - 1;
        if (s.startsWith("DATA ") && last >= 0 && joined.get(last).startsWith("DATA ")) {
          joined.set(last, joined.get(last) + s.substring(5));
        } else {
          joined.add(s);
        }
      }
      if (!results.contains(joined)) {
        results.add(joined);
      }
    }
    assertThat(results).as("every split decodes alike").hasSize(1);
    return results.get(0);
  }

  static List<String> decode(byte[] input) {
    return decode(DECODER, input);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteBuf b = Unpooled.buffer();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    byte[] out = Splits.bytes(b);
    b.release();
    return out;
  }

  static byte[] encode(ProxyHeader h) {
    ByteBuf b = Unpooled.buffer();
    ProxyProtocolEncoder.write(h, b);
    byte[] out = Splits.bytes(b);
    b.release();
    return out;
  }

  static InetSocketAddress inet(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void v1Tcp4HeaderThenTheStreamPassesThroughUntouched() throws Exception {
    List<String> out = decode(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nEHLO x\r\n\r\n"));
    ProxyHeader expected = ProxyHeader.tcp(1, inet("192.168.0.1", 56324), inet("192.168.0.11", 443), List.of());
    assertThat(out).containsExactly(expected.toString(), "DATA EHLO x\r\n\r\n");
  }

  @Test
  void v1WorstCaseTcp6LineOf104BytesIsAccepted() throws Exception {
    String ff = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    String line = "PROXY TCP6 " + ff + " " + ff + " 65535 65535\r\n";
    assertThat(line).hasSize(104);
    ProxyHeader h = ProxyHeader.tcp(1, inet(ff, 65535), inet(ff, 65535), List.of());
    assertThat(decode(ascii(line))).containsExactly(h.toString());
  }

  @Test
  void v1Tcp6CompressedAndMappedForms() throws Exception {
    ProxyHeader h = ProxyHeader.tcp(1, inet("2001:db8::1", 1), inet("::ffff:10.0.0.1", 2), List.of());
    assertThat(decode(ascii("PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 2\r\n"))).containsExactly(h.toString());
  }

  @Test
  void v1UnknownIgnoresTheRestOfTheLine() {
    String unknown = ProxyHeader.unknownV1().toString();
    assertThat(decode(ascii("PROXY UNKNOWN\r\n+OK\r\n"))).containsExactly(unknown, "DATA +OK\r\n");
    assertThat(decode(ascii("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n"))).containsExactly(unknown);
  }

  @Test
  void v2Inet4WithTlvsFromTheSpecLayout() throws Exception {
    // hand-built: signature, 0x21 PROXY, 0x11 TCP over IPv4, length, addresses, ports, TLVs
    byte[] alpn = {0x01, 0x00, 0x04, 'i', 'm', 'a', 'p'};
    byte[] authority = concat(new byte[] {0x02, 0x00, 0x0b}, ascii("example.org"));
    byte[] noop = {0x04, 0x00, 0x02, 0, 0};
    byte[] body = concat(new byte[] {10, 0, 0, 1, 10, 0, 0, 2, (byte) 0xdc, (byte) 0x1d, 0x03, (byte) 0xe1},
        alpn, authority, noop);
    byte[] header = concat(ProxyProtocolDecoder.V2_SIGNATURE,
        new byte[] {0x21, 0x11, 0, (byte) body.length}, body);
    List<String> out = decode(concat(header, ascii("a001 LOGIN\r\n")));
    ProxyHeader expected = ProxyHeader.tcp(2, inet("10.0.0.1", 56349), inet("10.0.0.2", 993),
        List.of(ProxyTlv.ofText(ProxyTlv.PP2_TYPE_ALPN, "imap"),
            ProxyTlv.ofText(ProxyTlv.PP2_TYPE_AUTHORITY, "example.org")));
    assertThat(out).containsExactly(expected.toString(), "DATA a001 LOGIN\r\n");
    assertThat(expected.alpn()).isEqualTo("imap");
    assertThat(expected.authority()).isEqualTo("example.org");
  }

  @Test
  void v2EncoderOutputDecodesForEveryFamily() throws Exception {
    byte[] ssl = concat(new byte[] {0x05, 0, 0, 0, 0},
        new byte[] {0x21, 0, 7}, ascii("TLSv1.3"), new byte[] {0x22, 0, 4}, ascii("carl"));
    List<ProxyHeader> headers = List.of(
        ProxyHeader.tcp(2, inet("2001:db8::7", 40000), inet("2001:db8::1", 995),
            List.of(new ProxyTlv(ProxyTlv.PP2_TYPE_SSL, ssl), new ProxyTlv(0xE0, new byte[] {1, 2, 3}))),
        ProxyHeader.tcp(2, inet("192.0.2.1", 0), inet("192.0.2.2", 65535), List.of()),
        new ProxyHeader(2, ProxyHeader.Command.PROXY, ProxyHeader.Family.UNIX, ProxyHeader.Transport.STREAM,
            UnixDomainSocketAddress.of("/run/a.sock"), UnixDomainSocketAddress.of("/run/b.sock"), List.of()),
        new ProxyHeader(2, ProxyHeader.Command.PROXY, ProxyHeader.Family.UNSPEC, ProxyHeader.Transport.UNSPEC,
            null, null, List.of(ProxyTlv.ofText(ProxyTlv.PP2_TYPE_AUTHORITY, "h"))),
        ProxyHeader.local());
    for (ProxyHeader h : headers) {
      assertThat(decode(concat(encode(h), ascii("x")))).containsExactly(h.toString(), "DATA x");
    }
    ProxySsl parsed = headers.get(0).ssl();
    assertThat(parsed.client()).isEqualTo(ProxySsl.PP2_CLIENT_SSL | ProxySsl.PP2_CLIENT_CERT_SESS);
    assertThat(parsed.version()).isEqualTo("TLSv1.3");
    assertThat(parsed.commonName()).isEqualTo("carl");
  }

  @Test
  void v1EncoderOutputDecodes() throws Exception {
    for (ProxyHeader h : List.of(
        ProxyHeader.tcp(1, inet("203.0.113.9", 5), inet("198.51.100.1", 25), List.of()),
        ProxyHeader.tcp(1, inet("::1", 5), inet("fe80::1", 25), List.of()), ProxyHeader.unknownV1())) {
      assertThat(decode(encode(h))).containsExactly(h.toString());
    }
  }

  @Test
  void v2Crc32cIsVerified() throws Exception {
    ProxyHeader h = ProxyHeader.tcp(2, inet("10.1.1.1", 1), inet("10.1.1.2", 2),
        List.of(new ProxyTlv(ProxyTlv.PP2_TYPE_CRC32C, new byte[4])));
    byte[] wire = encode(h);
    CRC32C crc = new CRC32C();
    crc.update(wire);
    long v = crc.getValue();
    int at = wire.length - 4;
    wire[at] = (byte) (v >> 24);
    wire[at + 1] = (byte) (v >> 16);
    wire[at + 2] = (byte) (v >> 8);
    wire[at + 3] = (byte) v;
    ProxyHeader withoutCrc = ProxyHeader.tcp(2, inet("10.1.1.1", 1), inet("10.1.1.2", 2), List.of());
    assertThat(decode(wire)).containsExactly(withoutCrc.toString());
    wire[at + 3] ^= 1;
    assertThat(decode(wire)).containsExactly("FAIL SYNTAX");
  }

  static byte[] v2(int verCmd, int famTrans, byte[] body) {
    return concat(ProxyProtocolDecoder.V2_SIGNATURE,
        new byte[] {(byte) verCmd, (byte) famTrans, (byte) (body.length >> 8), (byte) body.length}, body);
  }

  static Stream<Arguments> malformed() {
    byte[] inet = new byte[12];
    return Stream.of(
        Arguments.of("no header at all", ascii("GET / HTTP/1.1\r\n\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 bare LF", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\nEHLO\r\n"), "FAIL BAD_LINE_ENDING"),
        Arguments.of("v1 longer than 107", ascii("PROXY TCP4 " + "1".repeat(120) + "\r\n"), "FAIL LINE_TOO_LONG"),
        Arguments.of("v1 short address", ascii("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 octet over 255", ascii("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 host name (never resolved)", ascii("PROXY TCP4 localhost 5.6.7.8 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 IPv6 on TCP4", ascii("PROXY TCP4 ::1 ::1 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 bad IPv6", ascii("PROXY TCP6 1::2::3 ::1 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 port too big", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 port leading zero", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 double space", ascii("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v1 unknown protocol", ascii("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), "FAIL SYNTAX"),
        Arguments.of("v2 version 1 nibble", v2(0x11, 0x11, inet), "FAIL SYNTAX"),
        Arguments.of("v2 unknown command", v2(0x22, 0x11, inet), "FAIL SYNTAX"),
        Arguments.of("v2 unknown family", v2(0x21, 0x41, inet), "FAIL SYNTAX"),
        Arguments.of("v2 unknown transport", v2(0x21, 0x13, inet), "FAIL SYNTAX"),
        Arguments.of("v2 length below the address block", v2(0x21, 0x21, inet), "FAIL SYNTAX"),
        Arguments.of("v2 TLV runs past the end", v2(0x21, 0x11, concat(inet, new byte[] {1, 0, 9, 'x'})), "FAIL SYNTAX"),
        Arguments.of("v2 TLV header truncated", v2(0x21, 0x11, concat(inet, new byte[] {1, 0})), "FAIL SYNTAX"),
        Arguments.of("v2 bad SSL TLV", v2(0x21, 0x11, concat(inet, new byte[] {0x20, 0, 2, 1, 0})), "FAIL SYNTAX"),
        Arguments.of("v2 length over the limit", concat(ProxyProtocolDecoder.V2_SIGNATURE,
            new byte[] {0x21, 0x11, (byte) 0xff, (byte) 0xff}), "FAIL LINE_TOO_LONG"),
        Arguments.of("truncated v1 at close", ascii("PROXY TCP4 1.2.3.4"), "FAIL SYNTAX"),
        Arguments.of("truncated v2 at close", v2(0x21, 0x11, inet).length > 20
            ? java.util.Arrays.copyOf(v2(0x21, 0x11, inet), 20) : new byte[0], "FAIL SYNTAX"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedHeaderFailsOnceAndSwallowsTheRest(String name, byte[] input, String failure) {
    assertThat(decode(concat(input, ascii("")))).containsExactly(failure);
  }

  @Test
  void tooManyTlvsAreRefused() {
    ByteBuf body = Unpooled.buffer();
    body.writeZero(12);
    for (int i = 0; i < 3; i++) {
      body.writeBytes(new byte[] {(byte) 0xE0, 0, 0});
    }
    byte[] b = Splits.bytes(body);
    body.release();
    assertThat(decode(() -> new ProxyProtocolDecoder(new ProxyLimits(2048, 2)), v2(0x21, 0x11, b)))
        .containsExactly("FAIL TOO_MANY_PARAMETERS");
  }

  @Test
  void oversizedV2IsRefusedFromItsLengthBeforeBuffering() {
    EmbeddedChannel ch = new EmbeddedChannel(new ProxyProtocolDecoder());
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(concat(ProxyProtocolDecoder.V2_SIGNATURE,
          new byte[] {0x21, 0x11, 0x08, 0x01})));
      assertThat(describe(ch.readInbound())).isEqualTo("FAIL LINE_TOO_LONG");
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[4096]));
      assertThat((Object) ch.readInbound()).isNull();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void decoderLeavesThePipelineAfterTheHeader() {
    EmbeddedChannel ch = new EmbeddedChannel(new ProxyProtocolDecoder());
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("PROXY UNKNOWN\r\n")));
      assertThat(ch.pipeline().get(ProxyProtocolDecoder.class)).isNull();
      assertThat((Object) ch.readInbound()).isInstanceOf(ProxyHeader.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}

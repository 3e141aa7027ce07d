package dev.mailgate.codec.pop3;

import static dev.mailgate.codec.pop3.Pop3Describe.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.testing.Splits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Pop3CommandDecoderTest {

  /** A session stand-in: answers every line at once and arms SASL mode after AUTH mech. */
  static Supplier<ChannelHandler> answering(Pop3Limits limits) {
    return () -> new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        Pop3CommandDecoder decoder = new Pop3CommandDecoder(limits);
        ch.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            decoder.commandCompleted();
            if (msg instanceof Pop3Command.Auth a && a.mechanism() != null && a.initialResponse() == null) {
              decoder.expectSaslResponse();
            }
            ctx.fireChannelRead(msg);
          }
        });
      }
    };
  }

  static List<String> decodeEveryWay(Supplier<ChannelHandler> decoder, String input) {
    List<List<String>> results = Splits.decodeEveryWay(decoder, ascii(input), Pop3Describe::describe);
    assertThat(results).as("every split of %s decodes alike", input).hasSize(1);
    return results.get(0);
  }

  static List<String> decode(String input) {
    return decodeEveryWay(answering(Pop3Limits.DEFAULTS), input);
  }

  static Stream<Arguments> rfc1939Examples() {
    return Stream.of(
        Arguments.of("USER mrose\r\n", "User[name=mrose]"),
        Arguments.of("PASS secret\r\n", "PASS secret"),
        Arguments.of("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
            "Apop[name=mrose, digest=c4c9334bac560ecc979e58001b3e22fb]"),
        Arguments.of("STAT\r\n", "STAT"),
        Arguments.of("LIST\r\n", "List[message=OptionalInt.empty]"),
        Arguments.of("LIST 2\r\n", "List[message=OptionalInt[2]]"),
        Arguments.of("RETR 1\r\n", "Retr[message=1]"),
        Arguments.of("DELE 1\r\n", "Dele[message=1]"),
        Arguments.of("NOOP\r\n", "NOOP"),
        Arguments.of("RSET\r\n", "RSET"),
        Arguments.of("QUIT\r\n", "QUIT"),
        Arguments.of("TOP 1 10\r\n", "Top[message=1, lines=10]"),
        Arguments.of("TOP 100 3\r\n", "Top[message=100, lines=3]"),
        // a count past any message's length is the whole message (Dovecot), not a syntax error
        Arguments.of("TOP 1 999999999999\r\n", "Top[message=1, lines=2147483647]"),
        Arguments.of("UIDL\r\n", "Uidl[message=OptionalInt.empty]"),
        Arguments.of("UIDL 2\r\n", "Uidl[message=OptionalInt[2]]"),
        // RFC 2449, RFC 2595, RFC 5034, RFC 6856
        Arguments.of("CAPA\r\n", "CAPA"),
        Arguments.of("STLS\r\n", "STLS"),
        Arguments.of("UTF8\r\n", "UTF8"),
        Arguments.of("LANG\r\n", "Lang[language=null]"),
        Arguments.of("LANG fr\r\n", "Lang[language=fr]"),
        Arguments.of("AUTH\r\n", "AUTH null"),
        Arguments.of("AUTH plain\r\n", "AUTH PLAIN"),
        Arguments.of("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n", "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q="),
        Arguments.of("AUTH PLAIN =\r\n", "AUTH PLAIN ="),
        // case-insensitive keywords, UTF-8 user names, APOP digest case-folded
        Arguments.of("user Jürgen@example.org\r\n", "User[name=Jürgen@example.org]"),
        Arguments.of("ApOp a C4C9334BAC560ECC979E58001B3E22FB\r\n",
            "Apop[name=a, digest=c4c9334bac560ecc979e58001b3e22fb]"));
  }

  @ParameterizedTest
  @MethodSource("rfc1939Examples")
  void decodesEveryCommandOfTheGrammar(String line, String expected) {
    String input = new String(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    List<String> got = decode(input);
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).isEqualTo(expected);
  }

  @Test
  void passKeepsSpacesAndTrailingBlanks() {
    assertThat(decode("PASS my secret pass \r\n")).containsExactly("PASS my secret pass ");
  }

  @Test
  void rfc1939SessionPipelinedDecodesInOrder() {
    assertThat(decode("USER mrose\r\nPASS mrosepass\r\nSTAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nRETR 2\r\nQUIT\r\n"))
        .containsExactly("User[name=mrose]", "PASS mrosepass", "STAT", "List[message=OptionalInt.empty]",
            "Retr[message=1]", "Dele[message=1]", "Retr[message=2]", "QUIT");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("bare LF", "USER a\nNOOP\r\n", "FAIL BAD_LINE_ENDING"),
        Arguments.of("bare CR inside", "USER a\rb\r\nNOOP\r\n", "FAIL BAD_LINE_ENDING"),
        Arguments.of("empty line", "\r\nNOOP\r\n", "FAIL UNKNOWN_COMMAND"),
        Arguments.of("unknown verb", "XYZZ\r\nNOOP\r\n", "FAIL UNKNOWN_COMMAND"),
        Arguments.of("five-letter verb", "RETRY 1\r\nNOOP\r\n", "FAIL UNKNOWN_COMMAND"),
        Arguments.of("letters as number", "RETR x\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("message zero", "RETR 0\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("number too big", "DELE 12345678901\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("negative lines", "TOP 1 -1\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("TOP without lines", "TOP 1\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("missing argument", "RETR\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("too many arguments", "LIST 1 2\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("double space", "USER  a\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("argument to STAT", "STAT 1\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("PASS without password", "PASS\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("NUL in PASS", "PASS a\0b\r\nNOOP\r\n", "FAIL BAD_CHARACTER"),
        Arguments.of("control char in USER", "USER a\u0001b\r\nNOOP\r\n", "FAIL BAD_CHARACTER"),
        Arguments.of("bad APOP digest", "APOP a xyz\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("bad mechanism name", "AUTH PL@IN\r\nNOOP\r\n", "FAIL SYNTAX"),
        Arguments.of("control char in initial response", "AUTH PLAIN a\u0001\r\nNOOP\r\n", "FAIL BAD_ENCODING"),
        Arguments.of("overlong line", "USER " + "a".repeat(300) + "\r\nNOOP\r\n", "FAIL LINE_TOO_LONG"),
        Arguments.of("overlong argument", "USER " + "a".repeat(129) + "\r\nNOOP\r\n", "FAIL SYNTAX"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedLineFailsThenResyncsAtNextLine(String name, String input, String failure) {
    assertThat(decode(input)).containsExactly(failure, "NOOP");
  }

  @Test
  void overlongLineIsNotBufferedWhileItArrives() {
    Pop3CommandDecoder decoder = new Pop3CommandDecoder();
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      for (int i = 0; i < 1000; i++) {
        ch.writeInbound(Unpooled.wrappedBuffer(ascii("x".repeat(100))));
        assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(255);
      }
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("\r\nQUIT\r\n")));
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("FAIL LINE_TOO_LONG");
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("QUIT");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void commandLineLimitIsConfigurableAndCountsTheCrlf() {
    Pop3Limits limits = Pop3Limits.DEFAULTS.withMaxCommandLineLength(12).withMaxSaslLineLength(20);
    // "USER abcdef\r\n" is 13 octets, "USER abcde\r\n" is 12
    assertThat(decodeEveryWay(answering(limits), "USER abcde\r\nUSER abcdef\r\nNOOP\r\n"))
        .containsExactly("User[name=abcde]", "FAIL LINE_TOO_LONG", "NOOP");
  }

  @Test
  void argumentLimitIsConfigurable() {
    Pop3Limits limits = Pop3Limits.DEFAULTS.withMaxArgumentLength(3);
    assertThat(decodeEveryWay(answering(limits), "USER abc\r\nUSER abcd\r\n"))
        .containsExactly("User[name=abc]", "FAIL SYNTAX");
  }

  @Test
  void authLinesMayExceedTheCommandLimitUpToTheSaslLimit() {
    String token = "A".repeat(2000);
    assertThat(decode("AUTH XOAUTH2 " + token + "\r\nUSER " + "b".repeat(251) + "\r\n"))
        .containsExactly("AUTH XOAUTH2 " + token, "FAIL LINE_TOO_LONG");
    Pop3Limits small = Pop3Limits.DEFAULTS.withMaxSaslLineLength(300);
    assertThat(decodeEveryWay(answering(small), "AUTH XOAUTH2 " + "A".repeat(300) + "\r\nNOOP\r\n"))
        .containsExactly("FAIL LINE_TOO_LONG", "NOOP");
  }

  @Test
  void saslResponsesFollowTheChallengeOnlyWhenTheSessionAsksForThem() {
    assertThat(decode("AUTH LOGIN\r\ndXNlcg==\r\n"))
        .containsExactly("AUTH LOGIN", "SASL dXNlcg==");
    assertThat(decode("AUTH PLAIN\r\n*\r\nNOOP\r\n"))
        .containsExactly("AUTH PLAIN", "SASL *", "NOOP");
    // a SASL line may be long; a space in it is not base64
    String longResponse = "Q".repeat(4000);
    assertThat(decode("AUTH OAUTHBEARER\r\n" + longResponse + "\r\nAUTH PLAIN\r\na b\r\n"))
        .containsExactly("AUTH OAUTHBEARER", "SASL " + longResponse, "AUTH PLAIN", "FAIL BAD_ENCODING");
  }

  @Test
  void saslCancelIsRecognised() {
    List<Object> raw = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(answering(Pop3Limits.DEFAULTS).get());
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("AUTH LOGIN\r\n*\r\n")));
      Object m;
      while ((m = ch.readInbound()) != null) {
        raw.add(m);
      }
      assertThat(((Pop3Command.SaslResponse) raw.get(1)).cancelled()).isTrue();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void pipelinedCommandsBeyondTheLimitAreHeldWhileUnanswered() {
    Pop3Limits limits = Pop3Limits.DEFAULTS.withMaxPipelinedCommands(3);
    Supplier<ChannelHandler> unanswered = () -> new Pop3CommandDecoder(limits);
    String five = "NOOP\r\nSTAT\r\nLIST\r\nUIDL\r\nQUIT\r\n";
    assertThat(decodeEveryWay(unanswered, five))
        .containsExactly("NOOP", "STAT", "List[message=OptionalInt.empty]");
    // answered one at a time, the same five commands all pass
    assertThat(decodeEveryWay(answering(limits), five)).doesNotContain("FAIL TOO_MANY_PIPELINED").hasSize(5);
  }

  /**
   * A client that writes on without reading its answers cannot make the decoder hold more than
   * its bound: past it the lines are refused (each a protocol error), not buffered.
   */
  @Test
  void linesPastTheHeldBoundAreRefusedNotBuffered() {
    Pop3CommandDecoder decoder = new Pop3CommandDecoder(Pop3Limits.DEFAULTS.withMaxPipelinedCommands(2));
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      int lines = Pop3CommandDecoder.MAX_HELD_BYTES / 6 + 1000; // "NOOP\r\n" past the bound
      for (int i = 0; i < lines; i++) {
        ch.writeInbound(Unpooled.wrappedBuffer(ascii("NOOP\r\n")));
      }
      assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(Pop3CommandDecoder.MAX_HELD_BYTES);
      List<String> out = new java.util.ArrayList<>();
      for (Object o; (o = ch.readInbound()) != null; ) {
        out.add(Pop3Describe.describe(o));
      }
      assertThat(out).startsWith("NOOP", "NOOP", "FAIL TOO_MANY_PIPELINED").hasSizeGreaterThan(900)
          .containsOnly("NOOP", "FAIL TOO_MANY_PIPELINED");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** RFC 2449 PIPELINING: a held line is decoded once an earlier one was answered, not refused. */
  @Test
  void aHeldLineIsDecodedWhenTheSessionAnswersLater() {
    Pop3CommandDecoder decoder = new Pop3CommandDecoder(Pop3Limits.DEFAULTS.withMaxPipelinedCommands(2));
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("NOOP\r\nSTAT\r\nRETR 1\r\nDELE 1\r\n")));
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("NOOP");
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("STAT");
      assertThat((Object) ch.readInbound()).isNull();
      decoder.commandCompleted(); // the session answered NOOP, outside any decode
      ch.runPendingTasks();
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("Retr[message=1]");
      assertThat((Object) ch.readInbound()).isNull();
      decoder.commandCompleted();
      ch.runPendingTasks();
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("Dele[message=1]");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void stlsDiscardsPipelinedPlaintext() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Pop3CommandDecoder decoder = new Pop3CommandDecoder();
    ch.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Pop3Command.Simple s && s.verb() == Pop3Verb.STLS) {
          decoder.discardPipelined();
        }
        ctx.fireChannelRead(msg);
      }
    });
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("STLS\r\nUSER injected\r\nPASS x\r\n")));
      assertThat(Pop3Describe.describe(ch.readInbound())).isEqualTo("STLS");
      Object next = ch.readInbound();
      ReferenceCountUtil.release(next);
      assertThat(next).isNull();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void verbLookupFindsEveryVerbInAnyCase() {
    for (Pop3Verb v : Pop3Verb.values()) {
      var buf = Unpooled.copiedBuffer(v.name().toLowerCase(java.util.Locale.ROOT), java.nio.charset.StandardCharsets.US_ASCII);
      try {
        assertThat(Pop3Verb.lookup(buf, 0, buf.readableBytes())).isEqualTo(v);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void removingTheDecoderAfterLoginForwardsResidualBytesForTheRelay() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Pop3CommandDecoder decoder = new Pop3CommandDecoder();
    ch.pipeline().addLast(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg);
        if (msg instanceof Pop3Command.Pass) {
          ctx.pipeline().remove(decoder); // logged in: from here on the session is a byte pipe
        }
      }
    });
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(ascii("USER a\r\nPASS b\r\nSTAT\r\nRETR 1\r\n")));
      assertThat(readReleasing(ch)).isEqualTo("User[name=a]");
      assertThat(readReleasing(ch)).isEqualTo("PASS b");
      assertThat(readReleasing(ch)).isEqualTo("BODY STAT\r\nRETR 1\r\n");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static String readReleasing(EmbeddedChannel ch) {
    Object msg = ch.readInbound();
    try {
      return Pop3Describe.describe(msg);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}

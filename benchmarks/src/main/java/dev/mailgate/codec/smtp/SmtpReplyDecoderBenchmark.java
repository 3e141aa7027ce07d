package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Backend replies per second through {@link SmtpReplyDecoder}: the replies of one relayed
 * transaction as Postfix sends them (a 10-line EHLO reply, then MAIL, RCPT x3 with enhanced codes,
 * DATA 354), pipelined in one buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SmtpReplyDecoderBenchmark {
  static final int REPLIES = 6;
  private static final String TRANSACTION = "250-mx.example.org\r\n250-PIPELINING\r\n"
      + "250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n"
      + "250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n"
      + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
      + "354 End data with <CR><LF>.<CR><LF>\r\n";

  private SmtpReplyDecoder decoder;
  private ByteBuf input;
  private final List<Object> out = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() {
    decoder = new SmtpReplyDecoder();
    input = Unpooled.copiedBuffer(TRANSACTION, StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    input.release();
  }

  @Benchmark
  @OperationsPerInvocation(REPLIES)
  public void decodeTransactionReplies(Blackhole bh) {
    input.readerIndex(0);
    while (input.isReadable()) {
      decoder.decode(null, input, out);
    }
    for (int i = 0; i < out.size(); i++) {
      bh.consume(out.get(i));
    }
    out.clear();
  }
}

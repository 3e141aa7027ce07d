package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
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
 * Short SMTP commands per second through {@link SmtpCommandDecoder}: a pipelined mix of the
 * commands of a submission session (EHLO, MAIL with parameters, RCPTs, NOOP, RSET), decoded from
 * one buffer as a read would deliver it. Target: 2 million commands per second on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SmtpCommandDecoderBenchmark {
  static final int COMMANDS = 100;
  private static final String[] MIX = {
      "EHLO client.example.org\r\n",
      "MAIL FROM:<alice@example.org> SIZE=12345 BODY=8BITMIME\r\n",
      "RCPT TO:<bob@example.net>\r\n",
      "RCPT TO:<carol@example.net> NOTIFY=FAILURE\r\n",
      "NOOP\r\n",
      "RSET\r\n",
  };

  private SmtpCommandDecoder decoder;
  private ByteBuf input;
  private final List<Object> out = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() {
    decoder = new SmtpCommandDecoder();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < COMMANDS; i++) {
      sb.append(MIX[i % MIX.length]);
    }
    input = Unpooled.copiedBuffer(sb, StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    input.release();
  }

  @Benchmark
  @OperationsPerInvocation(COMMANDS)
  public void decodePipelinedCommands(Blackhole bh) {
    input.readerIndex(0);
    while (input.isReadable()) {
      int before = out.size();
      decoder.decode(null, input, out);
      for (int i = before; i < out.size(); i++) {
        decoder.messageHandled(); // as the session does after each reply
      }
    }
    for (int i = 0; i < out.size(); i++) {
      bh.consume(out.get(i));
      ReferenceCountUtil.release(out.get(i));
    }
    out.clear();
  }
}

package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parses pipelined short POP3 commands (a mail client's download loop: STAT, LIST, UIDL, RETR, DELE,
 * TOP, NOOP, USER) with {@link Pop3CommandDecoder}'s framing and parser. Score: commands per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Pop3CommandDecoderBenchmark {
  static final String[] COMMANDS = {
      "STAT\r\n", "LIST 1\r\n", "UIDL 12\r\n", "RETR 12\r\n", "DELE 12\r\n", "TOP 7 10\r\n",
      "NOOP\r\n", "USER alice@example.org\r\n"};
  static final int BATCH = 1024;

  private ByteBuf input;
  private Pop3CommandDecoder decoder;

  @Setup
  public void setup() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < BATCH; i++) {
      sb.append(COMMANDS[i % COMMANDS.length]);
    }
    input = Unpooled.directBuffer().writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
    decoder = new Pop3CommandDecoder(Pop3Limits.DEFAULTS);
  }

  @TearDown
  public void tearDown() {
    input.release();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void parseShortCommands(Blackhole bh) {
    input.readerIndex(0);
    for (int i = 0; i < BATCH; i++) {
      bh.consume(decoder.decodeLine(input));
      decoder.commandCompleted();
    }
  }
}

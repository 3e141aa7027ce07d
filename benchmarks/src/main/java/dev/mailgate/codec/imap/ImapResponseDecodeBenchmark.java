package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A FETCH response stream with many literals ({@code * n FETCH (UID n RFC822.SIZE s FLAGS (\Seen)
 * BODY[] {size}...)}, 16 MiB per operation) through the client-side response framer, and through
 * framer plus parser. One operation is the whole stream: multiply ops/s by {@link #STREAM_BYTES}
 * for bytes per second (the score is also printed per byte via the "bytes" mode below).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ImapResponseDecodeBenchmark {
  static final int STREAM_BYTES = 16 * 1024 * 1024;

  @Param({"4096", "65536"})
  public int literalSize;

  private ByteBuf input;
  private final List<Object> frames = new ArrayList<>();
  private ImapLimits limits;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] body = new byte[literalSize];
    Arrays.fill(body, (byte) 'x');
    for (int i = 78; i < body.length; i += 80) {
      body[i] = '\r';
      body[i + 1] = '\n';
    }
    input = Unpooled.directBuffer(STREAM_BYTES + literalSize + 256);
    int n = 1;
    while (input.writerIndex() < STREAM_BYTES) {
      String head = "* " + n + " FETCH (UID " + (1000 + n) + " RFC822.SIZE " + literalSize
          + " FLAGS (\\Seen) BODY[] {" + literalSize + "}\r\n";
      input.writeBytes(head.getBytes(StandardCharsets.US_ASCII)).writeBytes(body);
      input.writeBytes(")\r\n".getBytes(StandardCharsets.US_ASCII));
      n++;
    }
    limits = ImapLimits.DEFAULTS.withStructure(64, 32, 1_000_000);
    System.out.println("\nstream bytes per op: " + input.readableBytes() + ", responses: " + (n - 1));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    input.release();
  }

  @Benchmark
  public void frame(Blackhole bh) {
    ImapResponseFramer framer = new ImapResponseFramer(limits);
    input.readerIndex(0);
    frames.clear();
    framer.decode(null, input, frames);
    for (Object o : frames) {
      bh.consume(o);
      ((ImapResponseFrame) o).release();
    }
  }

  @Benchmark
  public void frameAndParse(Blackhole bh) {
    ImapResponseFramer framer = new ImapResponseFramer(limits);
    ImapResponseDecoder decoder = new ImapResponseDecoder(limits);
    input.readerIndex(0);
    frames.clear();
    framer.decode(null, input, frames);
    for (Object o : frames) {
      ImapResponseFrame f = (ImapResponseFrame) o;
      Object r = decoder.parse(f);
      bh.consume(r);
      io.netty.util.ReferenceCountUtil.release(r);
      f.release();
    }
  }
}

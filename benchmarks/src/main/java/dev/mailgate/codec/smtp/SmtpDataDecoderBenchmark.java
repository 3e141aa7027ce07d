package dev.mailgate.codec.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Finding the end of DATA content ({@code CRLF.CRLF}) in bodies of 4 KB, 100 KB and 10 MB of
 * 76-character lines, about one in fifty dot-stuffed, already received (one buffer). Score is
 * messages per second; bytes per second = score x size. Target: 2 GB/s on one core. The secondary
 * score {@code chunks} counts the {@link SmtpContent} pieces emitted: a consumer pays per piece,
 * so it must stay near one per input buffer in both modes, never one per line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SmtpDataDecoderBenchmark {
  @Param({"4096", "102400", "10485760"})
  public int size;

  @Param({"PASS_THROUGH", "UNSTUFF"})
  public SmtpDataDecoder.Mode mode;

  @Param({"heap", "direct"})
  public String buffer;

  private SmtpDataDecoder decoder;
  private ByteBuf body;
  private final List<Object> out = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() {
    decoder = new SmtpDataDecoder(mode, SmtpLimits.DEFAULTS.withMaxDataSize(64L << 20));
    byte[] bytes = body(size);
    body = buffer.equals("direct") ? Unpooled.directBuffer(bytes.length) : Unpooled.buffer(bytes.length);
    body.writeBytes(bytes);
  }

  static byte[] body(int size) {
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder(size + 100);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,;:-";
    while (sb.length() < size - 80) {
      if (random.nextInt(50) == 0) {
        sb.append('.'); // a stuffed line
      }
      for (int i = 0; i < 74; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      sb.append("\r\n");
    }
    sb.append(".\r\n");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    body.release();
  }

  /** Pieces of content emitted, reported per operation next to the throughput. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Emitted {
    public long chunks;
  }

  @Benchmark
  public void scanForTerminator(Blackhole bh, Emitted emitted) {
    body.readerIndex(0);
    decoder.reset();
    if (!decoder.decode(body, out)) {
      throw new IllegalStateException("terminator not found");
    }
    emitted.chunks += out.size() - 1; // all but DataEnd
    for (int i = 0; i < out.size(); i++) {
      bh.consume(out.get(i));
      ReferenceCountUtil.release(out.get(i));
    }
    out.clear();
  }
}

package dev.mailgate.codec.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A POP3 RETR stream: a 1 MB message (headers, text with some dot-leading lines, a base64
 * attachment) dot-stuffed by {@link DotStuffer} in 64 KB chunks (server side), and the stuffed wire
 * form scanned by {@link MultiLineBodyDecoder} (client side, unstuffing and pass-through).
 * Score: messages per second; multiply by {@link #MESSAGE_BYTES} for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Pop3RetrBenchmark {
  public static final int MESSAGE_BYTES = 1 << 20;
  static final int CHUNK = 64 * 1024;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private ByteBuf body;
  private ByteBuf wire;
  private final DotStuffer stuffer = new DotStuffer();
  private final MultiLineBodyDecoder unstuff = new MultiLineBodyDecoder(MultiLineBodyDecoder.Mode.UNSTUFF);
  private final MultiLineBodyDecoder passThrough =
      new MultiLineBodyDecoder(MultiLineBodyDecoder.Mode.PASS_THROUGH);

  @Setup
  public void setup() {
    body = alloc.directBuffer(MESSAGE_BYTES).writeBytes(message());
    wire = alloc.directBuffer(MESSAGE_BYTES + 4096);
    DotStuffer s = new DotStuffer();
    ByteBuf stuffed = s.stuff(body, alloc);
    wire.writeBytes(stuffed);
    stuffed.release();
    s.writeTerminator(wire);
  }

  @TearDown
  public void tearDown() {
    body.release();
    wire.release();
  }

  static byte[] message() {
    StringBuilder sb = new StringBuilder();
    sb.append("Received: from mx.example.org by pop.example.org; Mon, 30 Nov 2026 05:00:00 +0000\r\n")
        .append("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: report\r\n")
        .append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n")
        .append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
    Random r = new Random(1);
    for (int i = 0; i < 2000; i++) {
      if (i % 40 == 0) {
        sb.append(".. a line that starts with a dot, as quoted text sometimes does.\r\n");
      } else {
        sb.append("The quarterly numbers are attached. See the summary in section ").append(i)
            .append(". Thanks.\r\n");
      }
    }
    sb.append("--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    byte[] blob = new byte[57];
    while (sb.length() < MESSAGE_BYTES - 100) {
      r.nextBytes(blob);
      sb.append(Base64.getEncoder().encodeToString(blob)).append("\r\n");
    }
    sb.append("--b1--\r\n");
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(b, Math.min(b.length, MESSAGE_BYTES));
  }

  @Benchmark
  public void stuffServerSide(Blackhole bh) {
    stuffer.reset();
    int n = body.writerIndex();
    for (int at = 0; at < n; at += CHUNK) {
      ByteBuf chunk = body.slice(at, Math.min(CHUNK, n - at));
      ByteBuf out = stuffer.stuff(chunk, alloc);
      bh.consume(out.readableBytes());
      out.release();
    }
  }

  @Benchmark
  public void unstuffClientSide(Blackhole bh) {
    scan(unstuff, bh);
  }

  @Benchmark
  public void passThroughClientSide(Blackhole bh) {
    scan(passThrough, bh);
  }

  private void scan(MultiLineBodyDecoder decoder, Blackhole bh) {
    decoder.reset();
    wire.readerIndex(0);
    Object piece;
    while ((piece = decoder.next(wire)) != Pop3Response.BodyEnd.INSTANCE) {
      if (piece instanceof ByteBuf b) {
        bh.consume(b.readableBytes());
        b.release();
      } else if (piece == null) {
        throw new IllegalStateException("body not terminated");
      }
    }
  }
}

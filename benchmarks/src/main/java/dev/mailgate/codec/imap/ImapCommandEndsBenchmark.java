package dev.mailgate.codec.imap;

import dev.mailgate.codec.CommandEnds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What finding command ends costs the paced relay ({@link ImapCommandEnds}), over reads of the
 * relay's largest size ({@value #READ} octets): the Thunderbird session of {@link
 * ImapCommandParseBenchmark}, and a 1 MiB APPEND whose literal is skipped by count. One operation
 * is the whole input; the scores divide into commands or octets per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ImapCommandEndsBenchmark {
  static final int READ = 16 * 1024;
  static final int APPEND_SIZE = 1 << 20;

  private ByteBuf session;
  private ByteBuf append;

  @Setup(Level.Trial)
  public void setUp() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ImapCommandParseBenchmark.REPEAT; i++) {
      for (String c : ImapCommandParseBenchmark.SESSION) {
        sb.append(c).append("\r\n");
      }
    }
    session = direct(sb.toString().getBytes(StandardCharsets.US_ASCII));
    StringBuilder body = new StringBuilder(APPEND_SIZE);
    while (body.length() < APPEND_SIZE) {
      body.append("a line of a message body, 76 octets long, like most of them are............\r\n");
    }
    body.setLength(APPEND_SIZE);
    append = direct(("a APPEND INBOX {" + APPEND_SIZE + "+}\r\n" + body + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  private static ByteBuf direct(byte[] bytes) {
    return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    session.release();
    append.release();
  }

  /** Commands found in the session: {@code 21 × 500} per operation. */
  @Benchmark
  public int session() {
    return count(session);
  }

  /** One command per operation, {@value #APPEND_SIZE} octets of literal skipped. */
  @Benchmark
  public int append1m() {
    return count(append);
  }

  private static int count(ByteBuf in) {
    CommandEnds ends = new ImapCommandEnds();
    int n = 0;
    int w = in.writerIndex();
    for (int r = in.readerIndex(); r < w; r += READ) {
      int to = Math.min(w, r + READ);
      for (int e = ends.next(in, r, to); e != CommandEnds.NONE; e = ends.next(in, e, to)) {
        n++;
      }
    }
    return n;
  }
}

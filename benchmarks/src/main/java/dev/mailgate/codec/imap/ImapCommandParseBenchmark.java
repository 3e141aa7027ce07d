package dev.mailgate.codec.imap;

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
 * Frames and parses a recorded-style Thunderbird session (the commands Thunderbird 115 sends on
 * start-up, sync, read, flag, move and idle), repeated {@value #REPEAT} times in one buffer. One
 * operation is one command: the score is commands per second on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ImapCommandParseBenchmark {
  static final String[] SESSION = {
    "1 capability",
    "2 authenticate PLAIN AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0",
    "3 ID (\"name\" \"Thunderbird\" \"version\" \"115.3.1\")",
    "4 enable CONDSTORE",
    "5 list (SUBSCRIBED) \"\" \"*\" RETURN (SPECIAL-USE)",
    "6 select \"INBOX\" (CONDSTORE)",
    "7 getquotaroot \"INBOX\"",
    "8 UID fetch 1:* (FLAGS) (CHANGEDSINCE 12345)",
    "9 UID fetch 4821:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date "
        + "Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])",
    "10 UID fetch 4822 (UID RFC822.SIZE BODY.PEEK[])",
    "11 UID store 4822 +FLAGS (\\Seen)",
    "12 STATUS \"Sent\" (UIDNEXT MESSAGES UNSEEN RECENT HIGHESTMODSEQ)",
    "13 uid move 4820 \"Trash\"",
    "14 noop",
    "15 UID fetch 4823 (UID RFC822.SIZE BODY.PEEK[1.2]<0.32768>)",
    "16 idle",
    "DONE",
    "17 UID search UNDELETED SINCE 1-Jan-2024 NOT SEEN",
    "18 select \"Drafts\"",
    "19 expunge",
    "20 logout",
  };
  static final int REPEAT = 500;
  static final int SESSION_LENGTH = 21;
  static final int COMMANDS = SESSION_LENGTH * REPEAT;

  private ByteBuf input;
  private final List<Object> frames = new ArrayList<>(COMMANDS);

  @Setup(Level.Trial)
  public void setUp() {
    if (SESSION.length != SESSION_LENGTH) {
      throw new IllegalStateException("update SESSION_LENGTH");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < REPEAT; i++) {
      for (String c : SESSION) {
        sb.append(c).append("\r\n");
      }
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
    input = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    input.release();
  }

  @Benchmark
  @OperationsPerInvocation(COMMANDS)
  public void frameAndParse(Blackhole bh) {
    ImapCommandFramer framer = new ImapCommandFramer(ImapLimits.DEFAULTS);
    framer.authenticated(true);
    ImapCommandParser parser = new ImapCommandParser(ImapLimits.DEFAULTS);
    input.readerIndex(0);
    frames.clear();
    framer.decode(null, input, frames);
    for (Object o : frames) {
      ImapCommandFrame f = (ImapCommandFrame) o;
      bh.consume(parser.parse(f));
      f.release();
    }
  }

  @Benchmark
  @OperationsPerInvocation(COMMANDS)
  public void frameOnly(Blackhole bh) {
    ImapCommandFramer framer = new ImapCommandFramer(ImapLimits.DEFAULTS);
    input.readerIndex(0);
    frames.clear();
    framer.decode(null, input, frames);
    for (Object o : frames) {
      bh.consume(o);
      ((ImapCommandFrame) o).release();
    }
  }
}

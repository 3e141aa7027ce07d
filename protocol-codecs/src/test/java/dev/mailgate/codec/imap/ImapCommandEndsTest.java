package dev.mailgate.codec.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.CommandEnds;
import dev.mailgate.codec.pop3.Pop3CommandEnds;
import dev.mailgate.codec.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Where the relay's command count sees commands end: the same offsets for the input whole, one
 * byte at a time and in random splits, from pooled buffers under PARANOID leak detection (the
 * counter never retains or releases what it scans).
 */
class ImapCommandEndsTest {

  /** Command texts in order; DONE lines are not commands, so they add no end. */
  private static final String[] COMMANDS = {
    "a NOOP\r\n",
    "b APPEND INBOX {12}\r\nhello\r\nworld\r\n",
    "c APPEND INBOX {5+}\r\n{9}\r\n\r\n",
    "d APPEND INBOX ~{4}\r\n\u0000\u0001\n\r\r\n",
    "e LOGIN {3}\r\nbob {4}\r\npass\r\n",
    "f IDLE\r\n",
    "DONE\r\n",
    "g IDLE\r\n",
    "done\r\n",
    "h NOOP\n",
    "i APPEND INBOX {0}\r\n\r\n",
    "j SEARCH TEXT {9999999999999999999}\r\n",
    "k X {4}\r\nDONE\r\n",
    "l APPEND INBOX (\\Seen) \"" + "x".repeat(100) + "\" {3}\r\nabc\r\n",
    "m NOOP {3}x\r\n",
    "DONEX\r\n",
    "DON\r\n",
    "n APPEND INBOX {2-}\r\n\r\n\r\n",
    "o NOOP\r\n",
    "p LOGOUT\r\n",
    "a-much-longer-tag-than-the-tail-holds-" + "t".repeat(30) + " logout\r\n",
    "q LOGOUT now\r\n",
    "r X LOGOUT\r\n",
    " LOGOUT\r\n",
    "s LOGOUT {3}\r\nabc\r\n",
    "t NOOP\r\n",
  };

  /** Lines that are not commands, or that end the session: nothing waits for a permit. */
  private static boolean free(String command) {
    return command.equalsIgnoreCase("DONE\r\n") || command.matches("(?i)[^ ]+ LOGOUT\r\n");
  }

  @Test
  void commandsEndAfterTheirLastLineLiteralsAreSkippedAndDoneAndLogoutAreFreeEveryWaySplit() {
    StringBuilder all = new StringBuilder();
    List<Integer> expected = new ArrayList<>();
    for (String c : COMMANDS) {
      all.append(c);
      if (!free(c)) {
        expected.add(all.length());
      }
    }
    assertEveryWay(ImapCommandEnds::new, all.toString().getBytes(ISO_8859_1), expected);
  }

  @Test
  void literalOctetsLookingLikeCommandsAndMarkersAreNeverCountedInRandomTraffic() {
    Random random = new Random(4);
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    List<Integer> expected = new ArrayList<>();
    for (int n = 0; n < 400; n++) {
      StringBuilder c = new StringBuilder("t" + n + " APPEND INBOX");
      int literals = random.nextInt(3);
      for (int l = 0; l < literals; l++) {
        // Literal bodies full of line ends, markers and DONE lines: none of it may count.
        StringBuilder body = new StringBuilder();
        int lines = random.nextInt(6);
        for (int k = 0; k < lines; k++) {
          body.append(switch (random.nextInt(4)) {
            case 0 -> "x NOOP\r\n";
            case 1 -> "y {7}\r\n";
            case 2 -> "DONE\r\n";
            default -> "z".repeat(random.nextInt(40)) + "\n";
          });
        }
        String marker = switch (random.nextInt(3)) {
          case 0 -> "{" + body.length() + "}";
          case 1 -> "{" + body.length() + "+}";
          default -> "~{" + body.length() + "}";
        };
        c.append(' ').append(marker).append("\r\n").append(body);
      }
      c.append(random.nextBoolean() ? "\r\n" : "\n");
      in.writeBytes(c.toString().getBytes(ISO_8859_1));
      expected.add(in.size());
      if (random.nextInt(5) == 0) {
        in.writeBytes("DONE\r\n".getBytes(ISO_8859_1));
      }
    }
    assertEveryWay(ImapCommandEnds::new, in.toByteArray(), expected);
  }

  @Test
  void pop3CommandsEndAtEveryLfButQuitEveryWaySplit() {
    String input = "STAT\r\nLIST 1\r\nRETR 1\nDELE 1\r\n\r\nQUITE\r\nXQUIT\r\nquit\r\nQUIT\nNOOP\r\n"
        + "X".repeat(40) + "\r\nQUIT\r\n";
    List<Integer> expected = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < input.length(); i++) {
      if (input.charAt(i) == '\n') {
        if (!input.substring(start, i + 1).trim().equalsIgnoreCase("QUIT")) {
          expected.add(i + 1);
        }
        start = i + 1;
      }
    }
    assertEveryWay(Pop3CommandEnds::new, input.getBytes(ISO_8859_1), expected);
  }

  @Test
  void aCommandEndIsReportedOnceAndTheNextCallResumesAfterIt() {
    ImapCommandEnds ends = new ImapCommandEnds();
    ByteBuf b = pooled("a NOOP\r\nb NOOP\r\nc NO".getBytes(ISO_8859_1));
    try {
      int r = b.readerIndex();
      assertThat(ends.next(b, r, b.writerIndex())).isEqualTo(r + 8);
      assertThat(ends.next(b, r + 8, b.writerIndex())).isEqualTo(r + 16);
      assertThat(ends.next(b, r + 16, b.writerIndex())).isEqualTo(CommandEnds.NONE);
      assertThat(b.readerIndex()).as("indices untouched").isEqualTo(r);
    } finally {
      b.release();
    }
  }

  private static void assertEveryWay(Supplier<CommandEnds> counter, byte[] input, List<Integer> expected) {
    for (List<byte[]> way : Splits.allSplits(input, 0x5eedL ^ input.length)) {
      assertThat(ends(counter.get(), way)).as("split into %d pieces", way.size()).isEqualTo(expected);
    }
  }

  /** The absolute offsets just past each command end, feeding {@code pieces} in order. */
  private static List<Integer> ends(CommandEnds counter, List<byte[]> pieces) {
    List<Integer> out = new ArrayList<>();
    int base = 0;
    for (byte[] piece : pieces) {
      ByteBuf b = pooled(piece);
      try {
        int from = b.readerIndex();
        for (int e = counter.next(b, from, b.writerIndex()); e != CommandEnds.NONE;
            e = counter.next(b, from, b.writerIndex())) {
          out.add(base + e - b.readerIndex());
          from = e;
        }
      } finally {
        b.release();
      }
      base += piece.length;
    }
    return out;
  }

  /** A pooled buffer whose reader index is not 0, so offsets must be taken relative to it. */
  private static ByteBuf pooled(byte[] bytes) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(bytes.length + 3);
    b.writeBytes(new byte[] {'#', '#', '#'}).writeBytes(bytes).skipBytes(3);
    return b;
  }
}

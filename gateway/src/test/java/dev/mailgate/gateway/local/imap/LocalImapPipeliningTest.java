package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.Flags;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined commands (RFC 9051 section 5.5) get exactly the replies, in exactly the order, that
 * the same commands sent one at a time get: each command sees the effects of the ones before it
 * (a SEARCH after a STORE, a FETCH after an EXPUNGE, a STORE by sequence number after an APPEND's
 * EXISTS), however the pipeline is cut into reads (whole, one byte per write, odd chunks).
 */
class LocalImapPipeliningTest {
  @TempDir Path dir;

  /**
   * Writes whose results later reads depend on, an APPEND with a LITERAL+ inside, then LOGOUT;
   * each command is sent with a CRLF after it.
   */
  private static final List<String> PIPELINE = List.of(
      "p1 STORE 1 +FLAGS (\\Flagged)",
      "p2 FETCH 1:3 (FLAGS)",
      "p3 UID SEARCH FLAGGED",
      "p4 STORE 2 +FLAGS.SILENT (\\Deleted)",
      "p5 UID STORE 3 +FLAGS (\\Seen)",
      "p6 FETCH 2:3 (UID FLAGS)",
      "p7 EXPUNGE",
      "p8 FETCH 1:* (UID FLAGS)",
      "p9 UID FETCH 3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
      "p10 STATUS INBOX (MESSAGES UNSEEN)",
      "p11 NOOP",
      "p12 APPEND INBOX (\\Draft) {7+}\r\nhello\r\n", // the literal, then the command's CRLF
      "p13 UID SEARCH ALL",
      "p14 STORE 3 +FLAGS (\\Answered)",
      "p15 FETCH 1:* (UID FLAGS)",
      "p16 UID FETCH 1:* (BODY.PEEK[TEXT])",
      "p17 CHECK",
      "p18 LOGOUT");

  @Test
  void pipelineSentWholeGetsTheRepliesOfOneCommandAtATime() {
    assertThat(pipelined("whole", n -> Integer.MAX_VALUE)).isEqualTo(oneAtATime());
  }

  @Test
  void pipelineSentOneByteAtATimeGetsTheRepliesOfOneCommandAtATime() {
    assertThat(pipelined("bytes", n -> 1)).isEqualTo(oneAtATime());
  }

  @Test
  void pipelineSentInOddChunksGetsTheRepliesOfOneCommandAtATime() {
    int[] sizes = {7, 3, 13, 1, 29, 2, 61};
    assertThat(pipelined("odd", n -> sizes[n % sizes.length])).isEqualTo(oneAtATime());
  }

  /** What the commands' results must be, whichever way they were sent. */
  @Test
  void eachPipelinedCommandSeesTheEffectsOfTheOnesBeforeIt() {
    List<String> replies = pipelined("facts", n -> Integer.MAX_VALUE);
    assertThat(replies).containsSubsequence(
        "* 1 FETCH (FLAGS (\\Flagged) UID 1)", "p1 OK STORE completed",
        "* 1 FETCH (FLAGS (\\Flagged))", "* 2 FETCH (FLAGS ())", "* 3 FETCH (FLAGS ())", "p2 OK FETCH completed",
        "* SEARCH 1", "p3 OK SEARCH completed",
        "p4 OK STORE completed",
        "* 3 FETCH (FLAGS (\\Seen) UID 3)", "p5 OK STORE completed",
        "* 2 FETCH (UID 2 FLAGS (\\Deleted))", "* 3 FETCH (UID 3 FLAGS (\\Seen))", "p6 OK FETCH completed",
        "* 2 EXPUNGE", "p7 OK EXPUNGE completed",
        "* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 3 FLAGS (\\Seen))", "p8 OK FETCH completed",
        "* 2 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {20}", "Subject: invoice", "", ")",
        "p9 OK FETCH completed",
        "* STATUS \"INBOX\" (MESSAGES 2 UNSEEN 1)", "p10 OK STATUS completed",
        "p11 OK NOOP completed",
        "* 3 EXISTS", "p12 OK [APPENDUID <validity> 4] APPEND completed",
        "* SEARCH 1 3 4", "p13 OK SEARCH completed",
        "* 3 FETCH (FLAGS (\\Answered \\Draft \\Recent) UID 4)", "p14 OK STORE completed",
        "* 3 FETCH (UID 4 FLAGS (\\Answered \\Draft \\Recent))", "p15 OK FETCH completed",
        "* 3 FETCH (UID 4 BODY[TEXT] {0}", ")", "p16 OK FETCH completed",
        "p17 OK CHECK completed",
        "p18 OK LOGOUT completed");
  }

  /** The replies to {@link #PIPELINE} on a fresh server, each command sent after the last reply. */
  private List<String> oneAtATime() {
    try (LocalImapServer server = started("sequential"); Client c = new Client(server)) {
      List<String> replies = new ArrayList<>();
      for (String command : PIPELINE) {
        c.write(command + "\r\n", n -> Integer.MAX_VALUE);
        replies.addAll(c.readThrough(command.substring(0, command.indexOf(' '))));
      }
      return replies;
    }
  }

  /** The replies to {@link #PIPELINE} written at once, in writes of {@code chunk.apply(n)} bytes. */
  private List<String> pipelined(String name, IntUnaryOperator chunk) {
    try (LocalImapServer server = started(name); Client c = new Client(server)) {
      StringBuilder all = new StringBuilder();
      for (String command : PIPELINE) {
        all.append(command).append("\r\n");
      }
      c.write(all.toString(), chunk);
      return c.readThrough("p18");
    }
  }

  private LocalImapServer started(String name) {
    LocalImapServer server = LocalImapServer.start(dir.resolve(name));
    server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
    server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.NONE);
    server.deliver("INBOX", LocalImapServer.MESSAGE_3, Flags.NONE);
    return server;
  }

  /**
   * A client on a socket without Nagle's delay (so each write leaves as its own segment), logged in
   * with INBOX selected. Lines are returned with their literal contents as lines of their own, and
   * the UIDVALIDITY of APPENDUID, which differs between servers, as {@code <validity>}.
   */
  private static final class Client implements AutoCloseable {
    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID \\d+ ");
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int writes;

    Client(LocalImapServer server) {
      try {
        socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      readThrough("*");
      write("l1 LOGIN alice secret\r\n", n -> Integer.MAX_VALUE);
      assertThat(readThrough("l1")).last().asString().startsWith("l1 OK");
      write("l2 SELECT INBOX\r\n", n -> Integer.MAX_VALUE);
      assertThat(readThrough("l2")).last().asString().startsWith("l2 OK");
    }

    void write(String text, IntUnaryOperator chunk) {
      byte[] bytes = text.getBytes(UTF_8);
      try {
        for (int at = 0; at < bytes.length; ) {
          int n = Math.min(bytes.length - at, Math.max(1, chunk.applyAsInt(writes++)));
          out.write(bytes, at, n);
          out.flush();
          at += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Lines up to and including the first that starts with {@code tag} and a space. */
    List<String> readThrough(String tag) {
      List<String> lines = new ArrayList<>();
      try {
        for (;;) {
          String l = line();
          lines.add(APPENDUID.matcher(l).replaceFirst("[APPENDUID <validity> "));
          for (Matcher m = LITERAL.matcher(l); m.find(); m = LITERAL.matcher(lines.get(lines.size() - 1))) {
            int n = Integer.parseInt(m.group(1));
            byte[] literal = in.readNBytes(n);
            assertThat(literal).hasSize(n);
            lines.addAll(List.of(new String(literal, UTF_8).split("\r\n", -1)));
            lines.add(line()); // the rest of the response after the literal
          }
          if (l.startsWith(tag + " ")) {
            return lines;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("after " + lines, e);
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (;;) {
        int b = in.read();
        if (b == -1) {
          throw new IOException("closed; partial line " + buf.toString(UTF_8));
        }
        if (b == '\n') {
          byte[] a = buf.toByteArray();
          return new String(a, 0, a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length, UTF_8);
        }
        buf.write(b);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing: nothing to do
      }
    }
  }
}

package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.local.pop3.LocalPop3Server;
import dev.mailgate.gateway.local.pop3.LocalPop3Settings;
import dev.mailgate.gateway.local.pop3.MaildropLocks;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.TlsMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message APPENDed with bare LF line ends (a file from a Unix tool, a script's APPEND) is
 * stored with CRLF line ends, so IMAP's RFC822.SIZE and BODY[], and POP3's STAT, LIST, RETR and
 * TOP, all see the same CRLF lines (RFC 5322 section 2.3; RFC 1939 section 11: sizes count CRLF as
 * two octets), as Dovecot answers. It used to be stored as sent, and RETR then sent bare LFs, as
 * many octets as LIST said but not in lines a POP3 client can read. A literal8 is binary and is
 * stored as sent.
 */
class LocalBareLineFeedMessageTest {
  /** 43 octets as sent; 49 with CRLF line ends (Dovecot: RFC822.SIZE 49, LIST 1 49). */
  static final String BARE = "Subject: lf\nFrom: a@b\n\nline1\n.dot\n..two\nend";
  static final String CRLF = BARE.replace("\n", "\r\n");

  @TempDir Path dir;
  LocalImapServer server;
  int pop3Port;

  @BeforeEach
  void start() {
    server = LocalImapServer.start(dir);
    ListenerSpec spec = ListenerSpec.of("pop3", Protocol.POP3, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE);
    pop3Port = server.registry.start(spec, ListenerBinding.of(new LocalPop3Server(server.store, server.users, null,
        LocalPop3Settings.defaults("pop3.test"), new MaildropLocks()), null)).block(Duration.ofSeconds(10)).port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBareLineFeedMessageIsServedWithCrlfLinesAndSizesThatCountThemInImapAndPop3() throws Exception {
    String big = bigMessage();
    try (Raw imap = new Raw(server.address().getPort())) {
      imap.line();
      imap.send("a1 LOGIN alice secret\r\n").until("a1 ");
      assertThat(imap.send("a2 APPEND INBOX {" + BARE.length() + "+}\r\n" + BARE + "\r\n").until("a2 "))
          .startsWith("a2 OK");
      // past the inline limit: the literal is streamed to the store in the chunks it arrives in
      assertThat(imap.send("a3 APPEND INBOX {" + big.length() + "}\r\n").line()).startsWith("+");
      assertThat(imap.send(big + "\r\n").until("a3 ")).startsWith("a3 OK");
      imap.send("a4 SELECT INBOX\r\n").until("a4 ");
      assertThat(imap.send("a5 FETCH 1 (RFC822.SIZE BODY.PEEK[])\r\n").line())
          .isEqualTo("* 1 FETCH (RFC822.SIZE 49 BODY[] {49}\r\n");
      assertThat(imap.bytes(49)).isEqualTo(CRLF);
      imap.until("a5 OK");
      String bigCrlf = big.replace("\r\n", "\n").replace("\n", "\r\n");
      assertThat(imap.send("a6 FETCH 2 (RFC822.SIZE)\r\n").line())
          .isEqualTo("* 2 FETCH (RFC822.SIZE " + bigCrlf.length() + ")\r\n");
      imap.until("a6 OK");
      imap.send("a7 LOGOUT\r\n").until("a7 ");

      try (Raw pop3 = new Raw(pop3Port)) {
        pop3.line();
        pop3.send("USER alice\r\n").line();
        assertThat(pop3.send("PASS secret\r\n").line()).startsWith("+OK");
        assertThat(pop3.send("STAT\r\n").line()).isEqualTo("+OK 2 " + (49 + bigCrlf.length()) + "\r\n");
        assertThat(pop3.send("LIST 1\r\n").line()).isEqualTo("+OK 1 49\r\n");
        assertThat(pop3.send("RETR 1\r\n").line()).isEqualTo("+OK 49 octets\r\n");
        assertThat(pop3.body()).isEqualTo("Subject: lf\r\nFrom: a@b\r\n\r\nline1\r\n..dot\r\n...two\r\nend\r\n.\r\n");
        assertThat(pop3.send("TOP 1 1\r\n").line()).startsWith("+OK");
        assertThat(pop3.body()).isEqualTo("Subject: lf\r\nFrom: a@b\r\n\r\nline1\r\n.\r\n");
        assertThat(pop3.send("LIST 2\r\n").line()).isEqualTo("+OK 2 " + bigCrlf.length() + "\r\n");
        assertThat(pop3.send("RETR 2\r\n").line()).startsWith("+OK");
        String retr = pop3.body();
        String unstuffed = retr.substring(0, retr.length() - ".\r\n".length()).replace("\r\n..", "\r\n.");
        assertThat(unstuffed).as("RETR sends, dot-stuffing undone, what LIST counted").isEqualTo(bigCrlf);
      }
    }
  }

  @Test
  void aLiteral8IsStoredAsSent() throws Exception {
    try (Raw imap = new Raw(server.address().getPort())) {
      imap.line();
      imap.send("a1 LOGIN alice secret\r\n").until("a1 ");
      assertThat(imap.send("a2 APPEND INBOX ~{" + BARE.length() + "+}\r\n" + BARE + "\r\n").until("a2 "))
          .startsWith("a2 OK");
      imap.send("a3 SELECT INBOX\r\n").until("a3 ");
      assertThat(imap.send("a4 FETCH 1 (RFC822.SIZE)\r\n").line())
          .isEqualTo("* 1 FETCH (RFC822.SIZE " + BARE.length() + ")\r\n");
    }
  }

  /** About 300 KB of lines ending in LF, some in CRLF, some starting with a dot. */
  private static String bigMessage() {
    StringBuilder b = new StringBuilder("Subject: big\n\n");
    for (int i = 0; i < 30_000; i++) {
      b.append(i % 7 == 0 ? "." : "").append("line ").append(i).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    return b.append("last\n").toString();
  }

  /** A client that reads lines with their line ends, to tell CRLF from a bare LF. */
  private static final class Raw implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Raw(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      in = socket.getInputStream();
    }

    Raw send(String s) throws IOException {
      socket.getOutputStream().write(s.getBytes(ISO_8859_1));
      socket.getOutputStream().flush();
      return this;
    }

    /** The next line with its LF (and CR, if sent). */
    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c >= 0; c = in.read()) {
        b.write(c);
        if (c == '\n') {
          break;
        }
      }
      return b.toString(ISO_8859_1);
    }

    /** Reads lines until one starts with {@code prefix}; returns it. */
    String until(String prefix) throws IOException {
      for (String l = line(); !l.isEmpty(); l = line()) {
        if (l.startsWith(prefix)) {
          return l;
        }
      }
      throw new AssertionError("no line starting with " + prefix);
    }

    String bytes(int n) throws IOException {
      return new String(in.readNBytes(n), ISO_8859_1);
    }

    /** A POP3 multi-line body up to and with its terminating {@code .CRLF}, as sent. */
    String body() throws IOException {
      StringBuilder b = new StringBuilder();
      for (String l = line(); !l.isEmpty(); l = line()) {
        b.append(l);
        if (l.equals(".\r\n")) {
          return b.toString();
        }
      }
      throw new AssertionError("body cut short: " + b);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

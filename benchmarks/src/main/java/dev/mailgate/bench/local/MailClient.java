package dev.mailgate.bench.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal blocking IMAP / POP3 client for the load runs: it sends a command and reads the reply
 * to its end (IMAP: the tagged line, reading announced literals as raw bytes; POP3: the status
 * line and, for multi-line replies, up to the lone dot), counting the bytes received. The same
 * client drives both servers, so its own cost weighs the same on both sides of the ratio.
 */
final class MailClient implements AutoCloseable {
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tag;
  long received;

  MailClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(60_000);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** Reads the greeting line. */
  String greeting() throws IOException {
    return line();
  }

  /** Sends an IMAP command and reads to its tagged completion; fails unless it is OK. */
  void imap(String command) throws IOException {
    String t = "t" + (++tag);
    send(t + " " + command);
    imapReply(t, command);
  }

  /** APPENDs one message with a synchronising literal. */
  void append(String mailbox, byte[] message) throws IOException {
    String t = "t" + (++tag);
    send(t + " APPEND " + mailbox + " {" + message.length + "}");
    String cont = line();
    if (!cont.startsWith("+")) {
      throw new IOException("APPEND refused: " + cont);
    }
    out.write(message);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    imapReply(t, "APPEND");
  }

  private void imapReply(String t, String command) throws IOException {
    while (true) {
      String l = line();
      Matcher m = LITERAL.matcher(l);
      if (m.find()) {
        skip(Long.parseLong(m.group(1)));
        continue;
      }
      if (l.startsWith(t + " ")) {
        if (!l.startsWith(t + " OK")) {
          throw new IOException(command + " failed: " + l);
        }
        return;
      }
    }
  }

  /** Sends a POP3 command and reads its status line; fails unless it is +OK. */
  String pop3(String command) throws IOException {
    send(command);
    String l = line();
    if (!l.startsWith("+OK")) {
      throw new IOException(command + " failed: " + l);
    }
    return l;
  }

  /** Sends a POP3 command with a multi-line reply and reads it to the lone dot. */
  void pop3Multi(String command) throws IOException {
    pop3(command);
    while (!line().equals(".")) {
      // dot-stuffed content lines
    }
  }

  private void send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) >= 0) {
      received++;
      if (c == '\n') {
        byte[] a = b.toByteArray();
        int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, n, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    throw new IOException("connection closed");
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed in a literal");
        }
        s = 1;
      }
      left -= s;
    }
    received += n;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal SMTP client for transcripts over a real socket: {@link #send} writes raw bytes (several
 * commands at once to pipeline), {@link #expect} reads one complete reply (all its lines) and
 * matches it against a regular expression. {@link #startTls} wraps the socket.
 */
public final class SmtpWire implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final int port;

  public SmtpWire(int port) throws IOException {
    this.port = port;
    this.socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public static SmtpWire implicitTls(int port) throws Exception {
    SmtpWire w = new SmtpWire(port);
    w.startTls();
    return w;
  }

  public SmtpWire send(String text) throws IOException {
    out.write(text.getBytes(UTF_8));
    out.flush();
    return this;
  }

  public SmtpWire sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** One full reply, its lines joined with '\n' (without CRLFs). */
  public String reply() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = line();
      if (line == null) {
        throw new IOException("connection closed after " + lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return String.join("\n", lines);
      }
    }
  }

  /** Reads a reply and checks it matches {@code regex} (DOTALL); returns it. */
  public String expect(String regex) throws IOException {
    String r = reply();
    assertThat(r).matches("(?s)" + regex);
    return r;
  }

  /** Whether the server closed the connection (reads EOF). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(UTF_8);
      }
      if (c == '\n') {
        assertThat(prev).as("reply lines end with CRLF").isEqualTo('\r');
        byte[] a = b.toByteArray();
        return new String(a, 0, a.length - 1, UTF_8);
      }
      b.write(c);
      prev = c;
    }
  }

  public void startTls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", port, true);
    s.startHandshake();
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package dev.mailgate.gateway.pop3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A blocking POP3 test client over a real socket, with a transcript runner: {@code C: line} is
 * sent, {@code S: regex} must match the next line the server sends (CRLF stripped; lines must end
 * in CRLF). Octets are read as ISO-8859-1 so bodies compare byte for byte.
 */
public final class Pop3TestClient implements AutoCloseable {

  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final int port;

  public Pop3TestClient(int port) throws IOException {
    this.port = port;
    this.socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public int localPort() {
    return socket.getLocalPort();
  }

  /** Wraps the socket in TLS (trusting any certificate: the test PKI). */
  public Pop3TestClient startTls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", port, true);
    s.startHandshake();
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
    return this;
  }

  public void write(String raw) throws IOException {
    out.write(raw.getBytes(ISO_8859_1));
    out.flush();
  }

  public void send(String line) throws IOException {
    write(line + "\r\n");
  }

  /** The next line without CRLF; null at end of stream. Fails on a line not ended by CRLF. */
  public String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        assertThat(bytes.length > 0 && bytes[bytes.length - 1] == '\r').as("line ends in CRLF").isTrue();
        return new String(bytes, 0, bytes.length - 1, ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : new String(b.toByteArray(), ISO_8859_1);
  }

  /** Reads a multi-line body up to the "." line, undoing dot-stuffing; lines without CRLF. */
  public List<String> body() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l = line(); !".".equals(l); l = line()) {
      assertThat(l).as("body ended early").isNotNull();
      lines.add(l.startsWith(".") ? l.substring(1) : l);
    }
    return lines;
  }

  /** The command's status line. */
  public String command(String line) throws IOException {
    send(line);
    return line();
  }

  /** Runs a transcript of {@code C:} and {@code S:} lines (others ignored). */
  public void transcript(String script) throws IOException {
    for (String raw : script.strip().split("\n")) {
      String l = raw.strip();
      if (l.startsWith("C: ")) {
        send(l.substring(3));
      } else if (l.startsWith("S:")) {
        // "S:" alone expects an empty line
        String regex = l.length() > 3 ? l.substring(3) : "";
        String got = line();
        assertThat(got).as("reply to transcript line " + l).isNotNull().matches(Pattern.compile(regex));
      }
    }
  }

  /** True when the server has closed the connection (reads EOF). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

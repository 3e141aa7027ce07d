package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw client for hostile input: writes exactly the bytes it is given (bare CR, NUL, 8-bit junk,
 * floods), reads lines as ISO-8859-1 so every byte the server sends shows, and tells a close by
 * the server from a read timeout. {@link #startTls()} upgrades in place, trusting any certificate
 * (the gateway's is self-signed).
 */
final class Wire implements AutoCloseable {
  private boolean reset;
  static final int READ_TIMEOUT_MS = 15_000;

  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private Wire(Socket socket) throws IOException {
    use(socket);
  }

  static Wire connect(int port) {
    return connect(InetAddress.getLoopbackAddress(), port);
  }

  /** Connects from {@code source} (any 127.x.y.z works on Linux loopback). */
  static Wire connect(InetAddress source, int port) {
    try {
      Socket s = new Socket();
      s.bind(new InetSocketAddress(source, 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MS);
      return new Wire(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Wire implicitTls(int port) {
    Wire w = connect(port);
    w.startTls();
    return w;
  }

  private void use(Socket s) throws IOException {
    socket = s;
    s.setSoTimeout(READ_TIMEOUT_MS);
    s.setTcpNoDelay(true);
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
  }

  Wire send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  Wire send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} and CRLF. */
  Wire line(String text) {
    return send(text + "\r\n");
  }

  /** The next line without its CRLF; fails when the server closes first. */
  String readLine() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (;;) {
        int c = in.read();
        if (c < 0) {
          throw new AssertionError("connection closed by the server; partial line: "
              + b.toString(StandardCharsets.ISO_8859_1));
        }
        if (c == '\n') {
          byte[] raw = b.toByteArray();
          int n = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
          return new String(raw, 0, n, StandardCharsets.ISO_8859_1);
        }
        b.write(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one line and checks it matches {@code regex} entirely; returns it. */
  String expect(String regex) {
    String l = readLine();
    assertThat(l).as("server line").matches(regex);
    return l;
  }

  /** Reads lines until one matches {@code regex} (untagged data before a tagged reply); returns it. */
  String expectEventually(String regex, int maxLines) {
    for (int i = 0; i < maxLines; i++) {
      String l = readLine();
      if (l.matches(regex)) {
        return l;
      }
    }
    throw new AssertionError("no line matching " + regex + " within " + maxLines + " lines");
  }

  /** One complete SMTP reply (continuation lines joined with '\n'). */
  String smtpReply() {
    StringBuilder b = new StringBuilder();
    for (;;) {
      String l = readLine();
      b.append(l);
      if (l.length() < 4 || l.charAt(3) != '-') {
        return b.toString();
      }
      b.append('\n');
    }
  }

  /** Reads an SMTP reply and checks it matches {@code regex} (DOTALL); returns it. */
  String expectReply(String regex) {
    String r = smtpReply();
    assertThat(r).as("SMTP reply").matches("(?s)" + regex);
    return r;
  }

  /**
   * Whether the server has closed the connection: reads (and drops) whatever it still sends until
   * end of stream or a reset; false when the read timeout passes with the connection still open.
   */
  boolean closedByServer() {
    try {
      byte[] buf = new byte[8192];
      for (;;) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException open) {
      return false;
    } catch (SocketException reset) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything the server sends until it closes the connection (ISO-8859-1). */
  /**
   * Whether {@link #readUntilClosed()} ended on a reset: the server closed with our input unread,
   * and the kernel may then drop its last bytes before we read them.
   */
  boolean wasReset() {
    return reset;
  }

  String readUntilClosed() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        b.write(buf, 0, n);
      }
    } catch (SocketException e) {
      // a reset after the last bytes still means closed
      reset = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  Wire timeout(int millis) {
    try {
      socket.setSoTimeout(millis);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Upgrades to TLS (after a STARTTLS / STLS / IMAP STARTTLS reply, or at once for implicit TLS). */
  Wire startTls() {
    try {
      SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "localhost",
          socket.getPort(), true);
      s.setUseClientMode(true);
      s.startHandshake();
      use(s);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The socket's own stream, for a writer thread that must not go through this client. */
  OutputStream rawOut() {
    return out;
  }

  /** Half-closes: the server reads end of stream, this side can still read. */
  void rawShutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** After sending a ClientHello on this connection: what the server answered. */
  ClientHello.Answer tlsAnswer() {
    try {
      return ClientHello.answer(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket the server already closed
    }
  }
}

package dev.mailgate.gateway.proxy.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A blocking line client for transcripts: {@code C:} is {@link #send}, {@code S:} is {@link #expect}. */
final class LineClient implements AutoCloseable {

  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  private final int port;

  LineClient(int port) throws IOException {
    this(port, "127.0.0.1");
  }

  /** Connects from {@code localAddress} (another loopback address names the client in a backend's log). */
  LineClient(int port, String localAddress) throws IOException {
    this.port = port;
    this.socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port,
        java.net.InetAddress.getByName(localAddress), 0);
    socket.setSoTimeout(5000);
    streams();
  }

  private void streams() throws IOException {
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1));
    out = socket.getOutputStream();
  }

  /** Sends the lines in ONE write (pipelined), each terminated by CRLF. */
  LineClient send(String... lines) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l).append("\r\n");
    }
    out.write(b.toString().getBytes(ISO_8859_1));
    out.flush();
    return this;
  }

  String line() throws IOException {
    return in.readLine();
  }

  /** Reads one line and checks it against a regex; returns it. */
  String expect(String regex) throws IOException {
    String l = in.readLine();
    assertThat(l).as("reply").isNotNull().matches(regex);
    return l;
  }

  void startTls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", port, true);
    s.setSoTimeout(5000);
    s.startHandshake();
    socket = s;
    streams();
  }

  /** True when the server closed the connection (EOF) within the socket timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.readLine() == null;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

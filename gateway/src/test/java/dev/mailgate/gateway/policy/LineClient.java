package dev.mailgate.gateway.policy;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A plain line-oriented client for policy tests; can connect from a chosen loopback address. */
public final class LineClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;

  public LineClient(int port) throws IOException {
    this("127.0.0.1", port);
  }

  /** Connects from {@code localAddress} (any 127.x.y.z works on Linux loopback). */
  public LineClient(String localAddress, int port) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(20_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
  }

  public LineClient send(String s) throws IOException {
    socket.getOutputStream().write(s.getBytes(UTF_8));
    socket.getOutputStream().flush();
    return this;
  }

  /** The next line, or null at end of stream. */
  public String line() throws IOException {
    return in.readLine();
  }

  /** Reads lines until one matches {@code regex}, which it returns (null at end of stream). */
  public String until(String regex) throws IOException {
    for (String l = in.readLine(); l != null; l = in.readLine()) {
      if (l.matches(regex)) {
        return l;
      }
    }
    return null;
  }

  /** Whether the server has sent nothing that is not read yet (no reply is pending). */
  public boolean nothingPending() throws IOException {
    return !in.ready() && socket.getInputStream().available() == 0;
  }

  /** Whether the server closed the connection (end of stream or reset) after what was read. */
  public boolean closedByServer() throws IOException {
    try {
      return in.readLine() == null;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

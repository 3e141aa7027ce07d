package dev.mailgate.gateway.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of a real backend that misbehaves on demand, for the fault cases of issue 8
 * item 3: it passes bytes through, or hangs, or resets both sides the moment a marker string goes
 * by in either direction (mid-greeting, mid-login, mid-DATA, mid-FETCH). {@code Hang} applies to
 * connections accepted after it is set; the reset markers to every connection, also those already
 * open (the SMTP relay keeps backend sessions across client connections). Test-only: one thread per
 * direction, blocking sockets.
 */
final class FaultProxy implements AutoCloseable {

  /** What the next connections do. */
  sealed interface Mode {
    /** Bytes pass both ways. */
    record Pass() implements Mode {}

    /** The connection is accepted and nothing is ever sent back. */
    record Hang() implements Mode {}

    /** Both sides are reset once what the backend sent matches {@code marker} (a regex). */
    record ResetWhenBackendSends(String marker) implements Mode {}

    /**
     * Both sides are reset once what the client sent matches {@code marker} (a regex), before those
     * bytes reach the backend.
     */
    record ResetWhenClientSends(String marker) implements Mode {}
  }

  /** How much of each direction's recent bytes a marker is looked for in. */
  private static final int WINDOW = 4096;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Mode mode = new Mode.Pass();
  private volatile int resets;

  FaultProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  FaultProxy mode(Mode m) {
    this.mode = m;
    return this;
  }

  /** How many connections this proxy has reset. */
  int resets() {
    return resets;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Mode m = mode;
        if (m instanceof Mode.Hang) {
          pump(client.getInputStream(), OutputStream.nullOutputStream(), null, client, null, "hang");
          continue;
        }
        Socket backend = new Socket();
        backend.connect(target, 5000);
        open.add(backend);
        pump(client.getInputStream(), backend.getOutputStream(), FaultProxy::upMarker, client, backend, "up");
        pump(backend.getInputStream(), client.getOutputStream(), FaultProxy::downMarker, client, backend, "down");
      } catch (IOException e) {
        // closed, or the backend refused: the client sees its connection closed
      }
    }
  }

  private static String upMarker(Mode m) {
    return m instanceof Mode.ResetWhenClientSends c ? c.marker() : null;
  }

  private static String downMarker(Mode m) {
    return m instanceof Mode.ResetWhenBackendSends b ? b.marker() : null;
  }

  /** Copies {@code in} to {@code out}, resetting both sides when the current mode's marker passes. */
  private void pump(InputStream in, OutputStream out, Function<Mode, String> markerOf, Socket client,
      Socket backend, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      StringBuilder window = new StringBuilder();
      Pattern marker = null;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          String regex = markerOf == null ? null : markerOf.apply(mode);
          if (regex == null) {
            marker = null;
          } else if (marker == null || !marker.pattern().equals(regex)) {
            marker = Pattern.compile(regex);
          }
          if (marker != null) {
            window.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            if (marker.matcher(window).find()) {
              resets++;
              reset(client);
              reset(backend);
              return;
            }
            if (window.length() > WINDOW) {
              window.delete(0, window.length() - WINDOW);
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
        out.close();
      } catch (IOException e) {
        reset(client);
        reset(backend);
      }
    }, "fault-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** An abortive close: the peer gets a TCP RST, as from a crashed process. */
  private static void reset(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(FaultProxy::reset);
  }
}

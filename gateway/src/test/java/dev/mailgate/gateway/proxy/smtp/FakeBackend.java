package dev.mailgate.gateway.proxy.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted SMTP server on loopback for fault cases real Postfix will not produce on demand: it
 * answers the greeting, EHLO, MAIL, RCPT and DATA, then does what the {@link Fault} says. Every
 * command line it read is kept in {@link #commands()}.
 */
final class FakeBackend implements AutoCloseable {

  enum Fault {
    /** None: every message is answered {@code 250} and the session goes on. */
    NONE,
    /** Closes the connection after reading some content bytes. */
    DROP_MID_DATA,
    /** Reads the whole message up to {@code .CRLF} and closes without a reply. */
    DROP_AFTER_END_OF_DATA,
    /** Reads the whole message and never answers. */
    SILENT_AFTER_END_OF_DATA,
    /** Answers the greeting and EHLO, then reads commands and answers none. */
    SILENT_AFTER_EHLO
  }

  private final ServerSocket server;
  private final Fault fault;
  private final String ehlo;
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final Thread thread;

  FakeBackend(Fault fault, String ehloReply) throws IOException {
    this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    this.fault = fault;
    this.ehlo = ehloReply;
    this.thread = new Thread(this::serve, "fake-backend");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  List<String> commands() {
    return commands;
  }

  private void serve() {
    try (Socket s = server.accept()) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      write(out, "220 fake.example ESMTP\r\n");
      String line;
      while ((line = readLine(in)) != null) {
        commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
        switch (verb) {
          case "EHLO" -> write(out, ehlo);
          case "DATA" -> {
            write(out, "354 go ahead\r\n");
            content(in, s);
            if (fault != Fault.NONE) {
              return;
            }
            write(out, "250 2.0.0 queued\r\n");
          }
          case "QUIT" -> {
            write(out, "221 bye\r\n");
            return;
          }
          default -> {
            if (fault != Fault.SILENT_AFTER_EHLO) {
              write(out, "250 2.0.0 ok\r\n");
            }
          }
        }
      }
    } catch (IOException e) {
      // the client went away: nothing to do
    }
  }

  private void content(InputStream in, Socket s) throws IOException {
    if (fault == Fault.DROP_MID_DATA) {
      in.readNBytes(100);
      s.setSoLinger(true, 0); // a reset, like a crashed backend
      return;
    }
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      seen.write(b);
      if (seen.toString(StandardCharsets.US_ASCII).endsWith("\r\n.\r\n")) {
        break;
      }
    }
    if (fault == Fault.SILENT_AFTER_END_OF_DATA) {
      in.read(); // blocks until the client closes
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String l = line.toString(StandardCharsets.US_ASCII);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
      }
      line.write(b);
    }
    return null;
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

package dev.mailgate.gateway.proxy.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted IMAP backend for the pure-logic cases only (capabilities, refusal mapping, what is
 * replayed); the real behaviour is proven against Dovecot. Accepts the password {@code secret}
 * for any user, records every line it receives, and answers any other tagged command with {@code
 * OK fake <command>}. One thread per connection, blocking I/O: test code only.
 */
final class FakeImapBackend implements AutoCloseable {

  static final String CAPS = "IMAP4rev1 SASL-IR ID LITERAL+ AUTH=PLAIN";
  static final String POST_LOGIN_CAPS = "IMAP4rev1 IDLE MOVE FAKECAP";

  final List<String> received = new CopyOnWriteArrayList<>();
  /**
   * Answers ID only once the next command arrives, as a server that is slow to answer it would:
   * a client that waits for the answer before its next command then never logs in.
   */
  volatile boolean answerIdWithNextCommand;
  private final ServerSocket server;
  private final String capabilities;
  private final Thread acceptor;

  FakeImapBackend(String capabilities) throws IOException {
    this.capabilities = capabilities;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "fake-imap-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "fake-imap-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
      OutputStream out = s.getOutputStream();
      send(out, "* OK [CAPABILITY " + capabilities + "] fake ready");
      boolean authenticating = false;
      String authTag = null;
      String heldId = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        received.add(line);
        if (heldId != null) {
          send(out, "* ID (\"name\" \"fake\")\r\n" + heldId + " OK ID done");
          heldId = null;
        }
        if (authenticating) {
          authenticating = false;
          send(out, authTag + (plainOk(line) ? " OK [CAPABILITY " + POST_LOGIN_CAPS + "] Logged in" : " NO [AUTHENTICATIONFAILED] bad"));
          continue;
        }
        String[] w = line.split(" ", 4);
        if (w.length < 2) {
          send(out, "* BAD what");
          continue;
        }
        String tag = w[0];
        String cmd = w[1].toUpperCase();
        switch (cmd) {
          case "CAPABILITY" -> send(out, "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done");
          case "ID" -> {
            if (answerIdWithNextCommand) {
              heldId = tag;
            } else {
              send(out, "* ID (\"name\" \"fake\")\r\n" + tag + " OK ID done");
            }
          }
          case "AUTHENTICATE" -> {
            if (w.length >= 4) {
              send(out, tag + (plainOk(w[3]) ? " OK [CAPABILITY " + POST_LOGIN_CAPS + "] Logged in" : " NO [AUTHENTICATIONFAILED] bad"));
            } else {
              authenticating = true;
              authTag = tag;
              send(out, "+ ");
            }
          }
          case "LOGIN" -> send(out, tag + (line.endsWith("\"secret\"") ? " OK Logged in" : " NO [AUTHENTICATIONFAILED] bad"));
          case "LOGOUT" -> {
            send(out, "* BYE bye\r\n" + tag + " OK bye");
            return;
          }
          default -> send(out, tag + " OK fake " + cmd);
        }
      }
    } catch (IOException e) {
      // connection ended
    }
  }

  private static boolean plainOk(String b64) {
    try {
      String[] parts = new String(Base64.getDecoder().decode(b64), ISO_8859_1).split("\0", -1);
      return parts.length == 3 && parts[2].equals("secret");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(ISO_8859_1));
    out.flush();
  }

  /** The lines received that start with {@code prefix} after the tag. */
  List<String> commands(String name) {
    return received.stream().filter(l -> l.split(" ").length > 1 && l.split(" ")[1].equalsIgnoreCase(name)).toList();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

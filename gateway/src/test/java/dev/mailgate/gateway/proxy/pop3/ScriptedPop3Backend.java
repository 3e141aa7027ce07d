package dev.mailgate.gateway.proxy.pop3;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny scripted POP3 backend on a real socket, for what a real server cannot be told to do:
 * offer only some login mechanisms, and show what it received (the PROXY v2 header's source
 * address, the commands). One connection at a time on its own thread; test use only.
 */
final class ScriptedPop3Backend implements AutoCloseable {

  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  final List<String> received = new CopyOnWriteArrayList<>();
  volatile String proxySource;
  private final ServerSocket server;
  private final List<String> capa;
  private final String password;
  private final boolean expectProxy;
  private final Thread thread;

  ScriptedPop3Backend(List<String> capa, String password, boolean expectProxy) throws IOException {
    this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    this.capa = capa;
    this.password = password;
    this.expectProxy = expectProxy;
    this.thread = new Thread(this::serve, "scripted-pop3");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        session(s);
      } catch (IOException e) {
        // next connection, or closed
      }
    }
  }

  private void session(Socket s) throws IOException {
    DataInputStream raw = new DataInputStream(s.getInputStream());
    if (expectProxy) {
      byte[] head = new byte[16];
      raw.readFully(head);
      if (!Arrays.equals(Arrays.copyOf(head, 12), V2_SIGNATURE)) {
        throw new IOException("no PROXY v2 signature");
      }
      byte[] body = new byte[((head[14] & 0xff) << 8) | (head[15] & 0xff)];
      raw.readFully(body);
      // IPv4: src(4) dst(4) sport(2) dport(2)
      proxySource = InetAddress.getByAddress(Arrays.copyOf(body, 4)).getHostAddress() + ":" + (((body[8] & 0xff) << 8) | (body[9] & 0xff));
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(raw, ISO_8859_1));
    OutputStream out = s.getOutputStream();
    send(out, "+OK scripted ready");
    String user = null;
    String loginStep = null;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      received.add(line);
      if (loginStep != null) {
        String decoded = new String(Base64.getDecoder().decode(line), ISO_8859_1);
        if (loginStep.equals("user")) {
          user = decoded;
          loginStep = "pass";
          send(out, "+ UGFzc3dvcmQ6");
        } else {
          loginStep = null;
          send(out, decoded.equals(password) ? "+OK logged in as " + user : "-ERR [AUTH] bad");
        }
        continue;
      }
      String verb = line.split(" ", 2)[0].toUpperCase();
      switch (verb) {
        case "CAPA" -> {
          StringBuilder b = new StringBuilder("+OK\r\n");
          capa.forEach(c -> b.append(c).append("\r\n"));
          out.write((b + ".\r\n").getBytes(ISO_8859_1));
        }
        case "USER" -> {
          user = line.substring(5);
          send(out, "+OK");
        }
        case "PASS" -> send(out, line.substring(5).equals(password) ? "+OK logged in as " + user : "-ERR [AUTH] bad");
        case "AUTH" -> {
          String[] parts = line.split(" ");
          if (parts.length == 3 && (parts[1].equalsIgnoreCase("XOAUTH2") || parts[1].equalsIgnoreCase("OAUTHBEARER"))) {
            String ir = new String(Base64.getDecoder().decode(parts[2]), ISO_8859_1);
            send(out, ir.contains("auth=Bearer " + password + "\u0001") ? "+OK token accepted" : "-ERR [AUTH] bad token");
            continue;
          }
          loginStep = "user";
          send(out, "+ VXNlcm5hbWU6");
        }
        case "STAT" -> send(out, "+OK 0 0");
        case "QUIT" -> {
          send(out, "+OK bye");
          return;
        }
        default -> send(out, "-ERR unknown");
      }
    }
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

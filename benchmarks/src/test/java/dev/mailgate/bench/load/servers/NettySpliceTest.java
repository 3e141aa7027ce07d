package dev.mailgate.bench.load.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness's floor reference behaves like a login proxy to the scenarios: its own greeting, the
 * client's first line passed on, the backend's greeting never reaching the client, then bytes both
 * ways. The backend is a scripted socket: this tests the tool, not a mail server.
 */
class NettySpliceTest {

  @Test
  void theLoginLineReachesTheBackendItsGreetingIsDroppedAndTheSessionIsSplicedBothWays() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> backendSaw = CompletableFuture.supplyAsync(() -> scriptedBackend(backend));
      Channel splice = NettySplice.start(0, backend.getLocalPort());
      try (Socket client = new Socket()) {
        client.connect(splice.localAddress(), 5_000);
        client.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();

        assertThat(in.readLine()).startsWith("* OK").contains("netty-splice ready");
        out.write("a1 LOGIN \"u\" \"p\"\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("a1 OK Logged in"); // not the backend's "* OK backend ready"
        out.write("a2 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("a2 OK NOOP seen");
        assertThat(in.readLine()).as("the backend closing closes the client").isNull();
      } finally {
        splice.close().sync();
      }
      assertThat(backendSaw.get(5, TimeUnit.SECONDS)).isEqualTo("a1 LOGIN \"u\" \"p\"|a2 NOOP");
    }
  }

  private static String scriptedBackend(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(5_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      out.write("* OK backend ready\r\n".getBytes(StandardCharsets.US_ASCII));
      String login = in.readLine();
      out.write("a1 OK Logged in\r\n".getBytes(StandardCharsets.US_ASCII));
      String noop = in.readLine();
      out.write("a2 OK NOOP seen\r\n".getBytes(StandardCharsets.US_ASCII));
      return login + "|" + noop;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

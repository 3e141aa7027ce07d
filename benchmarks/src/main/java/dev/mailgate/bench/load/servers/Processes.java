package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Starting the servers under test: commands, free ports, templates, and waiting for a port. */
public final class Processes {

  private Processes() {}

  /** Runs a command to completion (a daemon's start command); its output goes to {@code output}. */
  public static void run(List<String> command, Path output) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IOException(command + " exited " + p.exitValue() + ": " + Files.readString(output));
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls until something accepts on 127.0.0.1:{@code port}; runs on the harness's main thread. */
  public static void awaitPort(int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("port " + port + " never opened", e);
        }
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
  }

  /** The resource {@code /bench/NAME} with every {@code @KEY@} replaced; fails on one left over. */
  public static String render(String name, Map<String, String> vars) throws IOException {
    try (InputStream in = Processes.class.getResourceAsStream("/bench/" + name)) {
      if (in == null) {
        throw new IOException("missing template /bench/" + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> e : vars.entrySet()) {
        text = text.replace("@" + e.getKey() + "@", e.getValue());
      }
      if (text.matches("(?s).*@[A-Z_0-9]+@.*")) {
        throw new IOException(name + ": unreplaced placeholder");
      }
      return text;
    }
  }

  /** Stops a daemon by its pid: SIGTERM, then SIGKILL after ten seconds. */
  public static void stop(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    });
  }

  /** The pid a daemon writes once it has forked; waits up to ten seconds for the file. */
  public static long readPid(Path pidFile) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return Long.parseLong(Files.readString(pidFile).trim());
      } catch (IOException | NumberFormatException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("no pid in " + pidFile, e);
        }
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
  }
}

package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NettySplice} as a process of its own, so its CPU and memory are measured like mailgate's:
 * the harness's own JVM and classpath, with mailgate's JVM flags (the launcher's defaults, or
 * {@code --mailgate-java-opts} when given), in front of the bench Dovecot's plaintext IMAP port.
 */
public final class NettySpliceProcess implements AutoCloseable {

  /** The launcher's flags (see {@code ./mailgate}): the same heap, collector and leak detection. */
  static final String LAUNCHER_FLAGS = "-Xms256m -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError";

  private final Process process;
  private final int imapPort;

  private NettySpliceProcess(Process process, int imapPort) {
    this.process = process;
    this.imapPort = imapPort;
  }

  /** @param javaOpts mailgate's JVM options; null for the launcher's defaults */
  public static NettySpliceProcess start(Path dir, String javaOpts, Dovecot dovecot) throws IOException {
    Files.createDirectories(dir);
    int port = Processes.freePort();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Dio.netty.leakDetection.level=disabled");
    command.add("-Dio.netty.iouring.cqSize=32768"); // the launcher's, as the leak detector's level
    command.addAll(List.of((javaOpts == null ? LAUNCHER_FLAGS : javaOpts).trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), NettySplice.class.getName(),
        Integer.toString(port), Integer.toString(dovecot.imapPort())));
    Path log = dir.resolve("netty-splice.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NettySpliceProcess started = new NettySpliceProcess(p, port);
    try {
      Processes.awaitPort(port, Duration.ofSeconds(60));
    } catch (IOException e) {
      started.close();
      throw new IOException(e.getMessage() + "; see " + log, e);
    }
    return started;
  }

  public int imapPort() {
    return imapPort;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process.pid());
  }
}

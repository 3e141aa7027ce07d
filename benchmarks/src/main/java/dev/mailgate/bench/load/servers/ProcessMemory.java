package dev.mailgate.bench.load.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The memory a server holds, as the sum of PSS (proportional set size, /proc/PID/smaps_rollup) over
 * its process tree. PSS rather than RSS because Dovecot and nginx are several processes sharing
 * pages: summing their RSS would count shared libraries once per process. For one process (a JVM)
 * PSS and RSS differ only by its shared libraries, which do not grow with connections.
 */
public final class ProcessMemory {

  private ProcessMemory() {}

  /** Kilobytes of PSS of {@code roots} and all their descendants. */
  public static long pssKb(List<Long> roots) {
    return roots.stream()
        .flatMap(pid -> ProcessHandle.of(pid).stream())
        .flatMap(h -> Stream.concat(Stream.of(h), h.descendants()))
        .mapToLong(h -> pss(h.pid()))
        .sum();
  }

  /**
   * Asks every JVM among {@code roots} for a full GC ({@code jcmd PID GC.run}) and waits for it, so
   * that a measurement sees the memory connections keep, not garbage not yet collected.
   */
  public static void collectJvmGarbage(List<Long> roots) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    for (long pid : roots) {
      if (!isJava(pid) || !Files.isExecutable(jcmd)) {
        continue;
      }
      try {
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (IOException e) {
        // no GC: the figure is noisier, not wrong
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean isJava(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim().equals("java");
    } catch (IOException e) {
      return false;
    }
  }

  private static long pss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return 0;
    } catch (IOException | NumberFormatException e) {
      return 0; // the process ended meanwhile
    }
  }
}

package dev.mailgate.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls certificate and key files (modification time, size and file key, so a rename-into-place
 * deploy is seen) on its own daemon thread, never on an event loop, and runs {@code onChange} once
 * per observed change. Polling rather than a WatchService: it also sees changes through symlinks
 * (Kubernetes secrets, certbot's {@code live/} links) and on network file systems.
 */
final class CertificateWatcher implements AutoCloseable {

  private final List<Path> files;
  private final Runnable onChange;
  private final ScheduledExecutorService executor;
  private List<Stamp> last;

  private CertificateWatcher(List<Path> files, Runnable onChange) {
    this.files = files;
    this.onChange = onChange;
    this.last = stamps();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mailgate-tls-watch");
              t.setDaemon(true);
              return t;
            });
  }

  static CertificateWatcher start(List<CertificateSpec> certs, Duration interval, Runnable onChange) {
    Set<Path> files = new LinkedHashSet<>();
    for (CertificateSpec c : certs) {
      files.add(c.certificateChain());
      files.add(c.privateKey());
    }
    CertificateWatcher w = new CertificateWatcher(List.copyOf(files), onChange);
    long ms = Math.max(10, interval.toMillis());
    w.executor.scheduleWithFixedDelay(w::check, ms, ms, TimeUnit.MILLISECONDS);
    return w;
  }

  private void check() {
    List<Stamp> now = stamps();
    if (!now.equals(last)) {
      last = now;
      onChange.run();
    }
  }

  private List<Stamp> stamps() {
    List<Stamp> out = new ArrayList<>(files.size());
    for (Path p : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(new Stamp(a.lastModifiedTime().toMillis(), a.size(), Objects.toString(a.fileKey())));
      } catch (IOException e) {
        out.add(new Stamp(-1, -1, "missing"));
      }
    }
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private record Stamp(long modified, long size, String fileKey) {}
}

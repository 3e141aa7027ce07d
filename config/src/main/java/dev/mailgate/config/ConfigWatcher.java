package dev.mailgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reloads a {@link ConfigHolder} when its file changes. One daemon thread (a bounded scheduler of
 * size one, never an event loop) looks at the file's modification time, size and file key (the
 * inode: an editor's or a deployment's rename over the file gives a new one even when time and
 * size are kept). A change is applied once the file has been quiet for {@code debounce}, so an
 * editor's several writes make one reload.
 *
 * <p>Why no {@code WatchService}: it can only watch the file's whole directory, and every write
 * to anything else there (a log file beside the configuration) woke its thread; the look at
 * three attributes every poll finds the same changes on every file system, events or not.
 */
public final class ConfigWatcher implements AutoCloseable {
  private final ConfigHolder holder;
  private final Path file;
  private final ScheduledExecutorService scheduler;
  private final long debounceNanos;
  private final Consumer<ReloadResult> onReload;
  /** The file's attributes at the last look; null while it is missing. */
  private Seen seen;
  private long changedAt = -1;

  /** What a look at the file saw. */
  private record Seen(FileTime modified, long size, Object fileKey) {}

  private ConfigWatcher(ConfigHolder holder, Duration debounce, Consumer<ReloadResult> onReload) {
    this.holder = holder;
    this.file = holder.file().toAbsolutePath();
    this.debounceNanos = debounce.toNanos();
    this.onReload = Objects.requireNonNull(onReload, "onReload");
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mailgate-config-watcher");
      t.setDaemon(true);
      return t;
    });
    snapshot();
  }

  /**
   * Starts watching.
   *
   * @param poll how often to look for events and changes (e.g. 250ms)
   * @param debounce quiet time before reloading (e.g. 500ms)
   * @param onReload told of every reload's result (applied, unchanged or rejected)
   */
  public static ConfigWatcher start(ConfigHolder holder, Duration poll, Duration debounce,
      Consumer<ReloadResult> onReload) {
    ConfigWatcher w = new ConfigWatcher(holder, debounce, onReload);
    w.scheduler.scheduleWithFixedDelay(w::tick, poll.toMillis(), poll.toMillis(),
        TimeUnit.MILLISECONDS);
    return w;
  }

  /** True when the file looks different from the last look (or appeared or went). */
  private boolean snapshot() {
    Seen now;
    try {
      // follows a symbolic link, so a link switched to another file counts as a change
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      now = new Seen(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      now = null;
    }
    boolean changed = !Objects.equals(now, seen);
    seen = now;
    return changed;
  }

  private void tick() {
    try {
      long now = System.nanoTime();
      if (snapshot()) {
        changedAt = now;
      }
      if (changedAt >= 0 && now - changedAt >= debounceNanos && seen != null) {
        changedAt = -1;
        onReload.accept(holder.reload());
      }
    } catch (RuntimeException e) {
      System.getLogger(ConfigWatcher.class.getName())
          .log(System.Logger.Level.ERROR, "configuration watch failed", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}

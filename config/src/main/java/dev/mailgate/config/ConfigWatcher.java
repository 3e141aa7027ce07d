package dev.mailgate.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reloads a {@link ConfigHolder} when its file changes. One daemon thread (a bounded scheduler of
 * size one, never an event loop) polls a {@link WatchService} on the file's directory without
 * blocking and, as a fallback for file systems that send no events, compares the file's
 * modification time and size. A change is applied once the file has been quiet for
 * {@code debounce}, so an editor's several writes make one reload.
 */
public final class ConfigWatcher implements AutoCloseable {
  private final ConfigHolder holder;
  private final Path file;
  private final WatchService watch;
  private final ScheduledExecutorService scheduler;
  private final long debounceNanos;
  private final Consumer<ReloadResult> onReload;
  private FileTime lastModified;
  private long lastSize;
  private long changedAt = -1;

  private ConfigWatcher(ConfigHolder holder, Duration debounce, Consumer<ReloadResult> onReload)
      throws IOException {
    this.holder = holder;
    this.file = holder.file().toAbsolutePath();
    this.debounceNanos = debounce.toNanos();
    this.onReload = Objects.requireNonNull(onReload, "onReload");
    this.watch = FileSystems.getDefault().newWatchService();
    file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
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
      Consumer<ReloadResult> onReload) throws IOException {
    ConfigWatcher w = new ConfigWatcher(holder, debounce, onReload);
    w.scheduler.scheduleWithFixedDelay(w::tick, poll.toMillis(), poll.toMillis(),
        TimeUnit.MILLISECONDS);
    return w;
  }

  private boolean snapshot() {
    FileTime m;
    long s;
    try {
      m = Files.getLastModifiedTime(file);
      s = Files.size(file);
    } catch (IOException e) {
      m = null;
      s = -1;
    }
    boolean changed = !Objects.equals(m, lastModified) || s != lastSize;
    lastModified = m;
    lastSize = s;
    return changed;
  }

  private void tick() {
    try {
      boolean event = false;
      WatchKey key;
      while ((key = watch.poll()) != null) {
        for (var e : key.pollEvents()) {
          if (e.context() instanceof Path p && p.equals(file.getFileName())) {
            event = true;
          }
        }
        key.reset();
      }
      long now = System.nanoTime();
      if (snapshot() || event) {
        changedAt = now;
      }
      if (changedAt >= 0 && now - changedAt >= debounceNanos && Files.exists(file)) {
        changedAt = -1;
        onReload.accept(holder.reload());
      }
    } catch (ClosedWatchServiceException e) {
      // closing
    } catch (RuntimeException e) {
      System.getLogger(ConfigWatcher.class.getName())
          .log(System.Logger.Level.ERROR, "configuration watch failed", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      watch.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}

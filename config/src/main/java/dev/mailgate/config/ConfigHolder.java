package dev.mailgate.config;

import dev.mailgate.config.model.MailgateConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the running configuration and swaps it atomically on reload (DESIGN.md,
 * "Configuration"). A session reads {@link #current()} once when it starts and keeps that
 * snapshot; new sessions see the new one. A reload whose file has errors keeps the old snapshot
 * and returns (and logs) every error.
 *
 * <p>{@link #reload()} reads the file and is blocking: the gateway calls it from SIGHUP, the admin
 * API ({@code Mono.fromCallable(holder::reload).subscribeOn(boundedElastic)}) or
 * {@link ConfigWatcher}. Reloads are serialised; listeners run on the reloading thread after the
 * swap.
 */
public final class ConfigHolder {
  private static final System.Logger LOG = System.getLogger(ConfigHolder.class.getName());

  private final Path file;
  private final Map<String, String> env;
  private final AtomicReference<MailgateConfig> current;
  private final List<Consumer<ReloadResult.Applied>> listeners = new CopyOnWriteArrayList<>();

  public ConfigHolder(Path file, Map<String, String> env, MailgateConfig initial) {
    this.file = Objects.requireNonNull(file, "file");
    this.env = Map.copyOf(env);
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
  }

  /** Loads {@code file} for the first time. */
  public static LoadOutcome open(Path file, Map<String, String> env) {
    LoadResult r = ConfigLoader.load(file, env);
    return new LoadOutcome(r.config().map(c -> new ConfigHolder(file, env, c)), r);
  }

  /** The holder when the first load succeeded, and the load's result either way. */
  public record LoadOutcome(java.util.Optional<ConfigHolder> holder, LoadResult result) {}

  public MailgateConfig current() {
    return current.get();
  }

  public Path file() {
    return file;
  }

  /** Loads the file again; swaps in the new snapshot when it has no errors. Blocking. */
  public synchronized ReloadResult reload() {
    LoadResult r = ConfigLoader.load(file, env);
    if (!r.ok()) {
      ReloadResult.Rejected rejected = new ReloadResult.Rejected(r.errors());
      LOG.log(System.Logger.Level.WARNING, "configuration " + file
          + " has errors; keeping the running configuration:\n" + rejected.formatErrors());
      return rejected;
    }
    MailgateConfig next = r.config().get();
    MailgateConfig previous = current.get();
    if (next.equals(previous)) {
      return new ReloadResult.Unchanged(previous);
    }
    current.set(next);
    ReloadResult.Applied applied = new ReloadResult.Applied(previous, next,
        ListenerDiff.between(previous.listeners(), next.listeners()));
    LOG.log(System.Logger.Level.INFO, "configuration " + file + " reloaded; listeners added "
        + applied.listeners().added().size() + ", removed " + applied.listeners().removed().size()
        + ", changed " + applied.listeners().changed().size());
    for (Consumer<ReloadResult.Applied> l : listeners) {
      try {
        l.accept(applied);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "configuration listener failed", e);
      }
    }
    return applied;
  }

  /** Calls {@code listener} after every applied reload; close the handle to stop. */
  public AutoCloseable onApplied(Consumer<ReloadResult.Applied> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}

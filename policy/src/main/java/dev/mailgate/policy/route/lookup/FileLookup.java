package dev.mailgate.policy.route.lookup;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.route.RouteTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A user-or-domain to target map read from a CSV or TSV file ({@code .tsv} means tab-separated,
 * anything else comma-separated), one {@code key,target} per line, {@code #} starting a comment.
 * Lines that do not parse are skipped and reported by {@link #problems()}.
 *
 * <p>Lookups read the table in memory and never touch the disk. At most every {@code checkEvery}
 * a lookup schedules, on the given bounded scheduler, a check of the file's modification time and
 * size; a changed file is read again and swapped in whole. If the file becomes unreadable the old
 * table stays. Limits: at most {@link #MAX_LINES} lines of {@link #MAX_LINE_LENGTH} characters.
 */
public final class FileLookup implements Lookup {
  public static final int MAX_LINES = 1_000_000;
  public static final int MAX_LINE_LENGTH = 4096;

  /** A parsed file: its entries and what was wrong with the lines that were skipped. */
  public record Table(Map<String, RouteTarget> entries, List<String> problems) {}

  private record Loaded(Table table, FileTime modified, long size) {}

  private final String name;
  private final Path file;
  private final Scheduler io;
  private final Ticker ticker;
  private final long checkEveryNanos;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile long lastCheck;

  private FileLookup(String name, Path file, Scheduler io, Ticker ticker, Duration checkEvery) {
    this.name = name;
    this.file = file;
    this.io = io;
    this.ticker = ticker;
    this.checkEveryNanos = checkEvery.toNanos();
  }

  /** Reads the file now (blocking: call it off the event loop) and returns the lookup. */
  public static FileLookup open(
      String name, Path file, Scheduler io, Ticker ticker, Duration checkEvery) throws IOException {
    FileLookup l = new FileLookup(name, file, io, ticker, checkEvery);
    l.current.set(l.read());
    l.lastCheck = ticker.read();
    return l;
  }

  /** Parses a table file; blocking. Problems are {@code line N: message}. */
  public static Table parse(Path file) throws IOException {
    char sep = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
    Map<String, RouteTarget> entries = new HashMap<>();
    List<String> problems = new ArrayList<>();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        if (n > MAX_LINES) {
          problems.add("line " + n + ": more than " + MAX_LINES + " lines; the rest is ignored");
          break;
        }
        if (line.length() > MAX_LINE_LENGTH) {
          problems.add("line " + n + ": longer than " + MAX_LINE_LENGTH + " characters");
          continue;
        }
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        int i = s.indexOf(sep);
        if (i <= 0) {
          problems.add("line " + n + ": expected KEY" + (sep == '\t' ? "<TAB>" : ",") + "TARGET");
          continue;
        }
        String key = s.substring(0, i).strip().toLowerCase(Locale.ROOT);
        try {
          entries.put(key, RouteTarget.parse(s.substring(i + 1).strip()));
        } catch (IllegalArgumentException e) {
          problems.add("line " + n + ": " + e.getMessage());
        }
      }
    }
    return new Table(Map.copyOf(entries), List.copyOf(problems));
  }

  private Loaded read() throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    return new Loaded(parse(file), modified, size);
  }

  /** Reads the file again if its modification time or size changed; blocking. */
  public boolean refreshIfChanged() {
    try {
      Loaded old = current.get();
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(old.modified()) && size == old.size()) {
        return false;
      }
      current.set(read());
      return true;
    } catch (IOException e) {
      // An unreadable or vanished file keeps the table we have: better stale than empty.
      return false;
    }
  }

  /** The problems found in the file as last read. */
  public List<String> problems() {
    return current.get().table().problems();
  }

  public int size() {
    return current.get().table().entries().size();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Mono<LookupResult> find(LookupQuery query) {
    maybeScheduleCheck();
    return Mono.just(StaticLookup.findIn(current.get().table().entries(), query));
  }

  private void maybeScheduleCheck() {
    long now = ticker.read();
    if (now - lastCheck >= checkEveryNanos && checking.compareAndSet(false, true)) {
      lastCheck = now;
      io.schedule(() -> {
        try {
          refreshIfChanged();
        } finally {
          checking.set(false);
        }
      });
    }
  }
}

package dev.mailgate.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Removes a test fixture's working directory, so that runs leave nothing behind in /tmp. */
public final class TempDirs {

  private TempDirs() {}

  /** Deletes {@code dir} and everything under it; nothing happens when it is already gone. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      // Deepest first, so that each directory is empty when its turn comes.
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

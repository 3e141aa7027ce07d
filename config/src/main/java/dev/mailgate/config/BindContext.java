package dev.mailgate.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What binders need besides the tree: where relative paths start, and the environment. */
record BindContext(Path baseDir, Map<String, String> env) {

  /** A path from the file, relative to the configuration file's directory. */
  Path path(String text) {
    Path p = Path.of(text);
    return p.isAbsolute() ? p.normalize() : baseDir.resolve(p).normalize();
  }

  /** Reads a path-valued key and reports it when the file is not readable. */
  Optional<Path> readableFile(Section s, String key) {
    Optional<Path> p = s.optString(key).map(this::path);
    if (p.isPresent() && !Files.isReadable(p.get())) {
      s.error(key, "cannot read file " + p.get()
          + (Files.exists(p.get()) ? " (permission denied)" : " (no such file)"));
    }
    return p;
  }
}

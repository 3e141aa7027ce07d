package dev.mailgate.config.yaml;

/** A place in a configuration file: 1-based line and column, as editors show them. */
public record Location(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}

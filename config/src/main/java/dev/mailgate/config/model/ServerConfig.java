package dev.mailgate.config.model;

import java.nio.file.Path;

/**
 * @param hostname the name in greetings and the self-signed certificate
 * @param dataDir where state lives (self-signed certificate, local tier); default {@code ./data}
 *     or {@code MAILGATE_DATA}
 * @param ioThreads event-loop threads for every listener and backend connection; 0 (the default)
 *     is one per core. Fewer suit a machine whose cores the backends share (a restart applies it)
 */
public record ServerConfig(String hostname, Path dataDir, int ioThreads) {
  /** The default: one event loop per core. */
  public static final int IO_THREADS_PER_CORE = 0;

  /** The event loops to start: {@link #ioThreads()}, or one per available core. */
  public int eventLoops() {
    return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors());
  }
}

/**
 * The embedded store: SQLite metadata and fsynced body files. The data directory layout and the
 * crash-safety argument are in the {@code dev.mailgate.mailbox} package documentation.
 *
 * <p>Threads: one {@code mailstore-writer-*} thread owns the write connection (group commit); a
 * bounded-elastic scheduler {@code mailstore-io} (capped by {@code StoreLimits.ioThreads}) runs
 * reads, body file I/O and event delivery. Nothing runs on the caller's thread.
 */
package dev.mailgate.mailbox.sqlite;

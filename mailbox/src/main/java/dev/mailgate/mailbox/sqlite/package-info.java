/**
 * The embedded store: SQLite metadata and fsynced body files. The data directory layout and the
 * crash-safety argument are in the {@code dev.mailgate.mailbox} package documentation.
 *
 * <p>Threads: one {@code mailstore-writer-*} thread owns the write connection (group commit); a
 * bounded-elastic scheduler {@code mailstore-io} (capped by {@code StoreLimits.ioThreads}) runs
 * reads, body file I/O and event delivery. Nothing runs on the caller's thread, unless the caller
 * is one of those I/O threads: a read asked for there (the next read of a command whose last read
 * just ended) runs there, without waking another thread.
 *
 * <p>Files or BLOBs: measured with {@code AppendThroughput} (test sources) on this 2-core VM (ext4,
 * heavily shared, so noisy): 4 KiB messages, 16 in flight: raw SQLite BLOB inserts committed 16
 * at a time ~1,490/s, the store with body files ~400/s (each body costs a file and a directory
 * fsync); 1 MiB messages, 16 in flight: files ~54/s, BLOBs ~41/s, and a BLOB must sit whole in
 * the heap (sqlite-jdbc has no incremental BLOB I/O) and cannot be read by range without loading
 * it. Hence both: bodies up to {@code StoreLimits.inlineBodyBytes} (64 KiB, a bounded heap copy)
 * go inline, larger ones to files, streamed both ways.
 */
package dev.mailgate.mailbox.sqlite;

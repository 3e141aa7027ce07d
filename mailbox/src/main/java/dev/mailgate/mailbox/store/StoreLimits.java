package dev.mailgate.mailbox.store;

/**
 * The embedded store's bounds, each named and validated.
 *
 * @param maxMessageBytes largest message accepted (APPENDLIMIT, SMTP SIZE); TOO_BIG beyond
 * @param ioThreads cap of the bounded-elastic scheduler that runs file and SQLite read work
 * @param ioQueue tasks that may wait for an I/O thread before callers get BUSY
 * @param writeQueue write transactions that may wait for the single SQLite writer
 * @param groupCommit most write transactions committed together in one fsync
 * @param eventBacklog events buffered per subscriber of {@link MailStore#events} before it fails
 * @param appendPrefetch body chunks requested ahead while an append writes
 * @param maxHeaderBytes header bytes per MIME part kept while parsing structure
 * @param inlineBodyBytes messages up to this size are stored inside the index (one WAL fsync,
 *     group-committed) instead of as a body file (file, directory and WAL fsyncs); see the
 *     measurements in the package documentation of {@code dev.mailgate.mailbox.sqlite}
 */
public record StoreLimits(
    long maxMessageBytes,
    int ioThreads,
    int ioQueue,
    int writeQueue,
    int groupCommit,
    int eventBacklog,
    int appendPrefetch,
    int maxHeaderBytes,
    int inlineBodyBytes) {

  public StoreLimits {
    positive(maxMessageBytes, "maxMessageBytes");
    positive(ioThreads, "ioThreads");
    positive(ioQueue, "ioQueue");
    positive(writeQueue, "writeQueue");
    positive(groupCommit, "groupCommit");
    positive(eventBacklog, "eventBacklog");
    positive(appendPrefetch, "appendPrefetch");
    positive(maxHeaderBytes, "maxHeaderBytes");
    if (inlineBodyBytes < 0 || inlineBodyBytes > 1 << 20) {
      throw new IllegalArgumentException("inlineBodyBytes must be in [0, 1 MiB]: " + inlineBodyBytes);
    }
  }

  public static StoreLimits defaults() {
    return new StoreLimits(64L << 20, 8, 10_000, 4096, 64, 10_000, 4, 256 << 10, 64 << 10);
  }

  private static void positive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
  }
}

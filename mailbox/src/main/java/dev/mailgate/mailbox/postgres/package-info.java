/**
 * The shared store: {@link dev.mailgate.mailbox.postgres.PostgresMailStore}, metadata and bodies
 * in PostgreSQL, for several gateway nodes on one database (docs/scale-out.md).
 *
 * <p>Threads: a bounded-elastic scheduler {@code mailstore-pg-io-*} (capped by {@code
 * StoreLimits.ioThreads}) runs every JDBC call with a pooled connection ({@link
 * dev.mailgate.mailbox.postgres.PgConnections}, as many connections as threads) and delivers
 * events; one {@code mailstore-pg-listener-*} thread per store holds the LISTEN connection.
 * Nothing runs on the caller's thread.
 *
 * <p>Concurrency between nodes rests on row locks taken in one order (mailbox rows by id, then the
 * account row) inside READ COMMITTED transactions, see {@link
 * dev.mailgate.mailbox.postgres.PgMessageOps}; change events travel with NOTIFY inside the
 * changing transaction, see {@link dev.mailgate.mailbox.postgres.PgTx}.
 */
package dev.mailgate.mailbox.postgres;

package dev.mailgate.config.model;

/**
 * Where the local tier keeps its mailboxes ({@code store:}): the embedded SQLite store under
 * {@code local.data_dir} (the default: one node), or a PostgreSQL database that several gateway
 * nodes share (docs/scale-out.md).
 */
public sealed interface StoreConfig {

  /** The embedded store in {@code local.data_dir}. */
  record Sqlite() implements StoreConfig {}

  /**
   * A shared PostgreSQL database.
   *
   * @param url the JDBC URL ({@code jdbc:postgresql://host:port/db?sslmode=verify-full})
   * @param user the role
   * @param password the role's password (usually {@code ${VAR}}; empty for trust or certificate
   *     authentication); never printed
   * @param connections the node's connection pool size and JDBC thread cap
   */
  record Postgres(String url, String user, String password, int connections)
      implements StoreConfig {
    @Override
    public String toString() {
      return "Postgres[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? ""
          : "(set)") + ", connections=" + connections + "]";
    }
  }

  StoreConfig SQLITE = new Sqlite();
}

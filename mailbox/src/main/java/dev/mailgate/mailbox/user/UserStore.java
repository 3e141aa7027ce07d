package dev.mailgate.mailbox.user;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.store.MailStoreException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The local user database ({@code users.db}, SQLite, WAL, synchronous=FULL): users with their
 * password hash ("{SCHEME}hash", as Dovecot writes them), and aliases (address to user). Behind
 * {@code mailgate user add | passwd | del | list}, local AUTH (verify) and SMTP local delivery
 * (resolve).
 *
 * <p>All work, including the deliberately slow hashing, runs on a bounded scheduler named {@code
 * userstore} ({@code hashThreads} threads, {@link #QUEUE} queued tasks), never on the caller's
 * thread. Names are compared case-insensitively. Verification of an unknown user still computes
 * one Argon2id hash, so response time does not reveal which users exist.
 */
public final class UserStore implements AutoCloseable {
  public static final int QUEUE = 1000;
  public static final int MAX_NAME = 255;

  /** A user as listed: name, scheme of the stored hash, aliases. */
  public record UserInfo(String name, PasswordScheme scheme, List<String> aliases) {}

  /** The outcome of an import. */
  public record ImportReport(int imported, int replaced, List<DovecotPasswdFile.Rejected> rejected) {}

  private final Connection conn;
  private final Scheduler scheduler;
  private final Argon2id argon2;
  private final String dummyHash;
  private final VerifiedPasswords verified = new VerifiedPasswords(VerifiedPasswords.DEFAULT_TTL, Ticker.systemTicker());

  private UserStore(Path db, Argon2id.Params params, int hashThreads) throws SQLException {
    this.conn = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
      st.execute("PRAGMA foreign_keys=ON");
      st.execute("CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY COLLATE NOCASE,"
          + " scheme TEXT NOT NULL, hash TEXT NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS aliases(address TEXT PRIMARY KEY COLLATE NOCASE,"
          + " user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE)");
    }
    this.scheduler = Schedulers.newBoundedElastic(hashThreads, QUEUE, "userstore", 60, true);
    this.argon2 = new Argon2id(params);
    this.dummyHash = argon2.hash("not a password".toCharArray());
  }

  /** Opens (creating) {@code users.db} in {@code dataDir}. */
  public static UserStore open(Path dataDir, Argon2id.Params params, int hashThreads) {
    try {
      Files.createDirectories(dataDir);
      return new UserStore(dataDir.resolve("users.db"), params, hashThreads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open user database", e);
    }
  }

  private <T> Mono<T> run(Callable<T> work) {
    return Mono.fromCallable(work).subscribeOn(scheduler)
        .onErrorMap(SQLException.class, e -> new MailStoreException(Reason.UNAVAILABLE, e.toString(), e));
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(c -> c <= ' ' || c == ':')) {
      throw new IllegalArgumentException("bad user name");
    }
    return name;
  }

  /** Adds a user with an Argon2id hash of the password; ALREADY_EXISTS if taken. */
  public Mono<Void> add(String user, char[] password) {
    checkName(user);
    return run(() -> {
      String hash = argon2.hash(password);
      synchronized (conn) {
        if (exists(user) || resolveAlias(user) != null) {
          throw new MailStoreException(Reason.ALREADY_EXISTS, "user exists: " + user);
        }
        update("INSERT INTO users VALUES (?, ?, ?)", user, PasswordScheme.ARGON2ID.name(), hash);
      }
      return null;
    });
  }

  /** Replaces a user's password (with a new Argon2id hash). */
  public Mono<Void> passwd(String user, char[] password) {
    return run(() -> {
      String hash = argon2.hash(password);
      synchronized (conn) {
        if (update("UPDATE users SET scheme = ?, hash = ? WHERE name = ?",
            PasswordScheme.ARGON2ID.name(), hash, user) == 0) {
          throw new MailStoreException(Reason.NO_SUCH_USER, "no user " + user);
        }
      }
      return null;
    });
  }

  /** Deletes a user and its aliases. */
  public Mono<Void> delete(String user) {
    return run(() -> {
      synchronized (conn) {
        if (update("DELETE FROM users WHERE name = ?", user) == 0) {
          throw new MailStoreException(Reason.NO_SUCH_USER, "no user " + user);
        }
      }
      return null;
    });
  }

  public Flux<UserInfo> list() {
    return run(() -> {
      List<UserInfo> out = new ArrayList<>();
      synchronized (conn) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT u.name, u.scheme,"
            + " (SELECT group_concat(address, ' ') FROM aliases a WHERE a.user = u.name)"
            + " FROM users u ORDER BY u.name");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String aliases = rs.getString(3);
            out.add(new UserInfo(rs.getString(1), PasswordScheme.valueOf(rs.getString(2)),
                aliases == null ? List.of() : List.of(aliases.split(" "))));
          }
        }
      }
      return out;
    }).flatMapIterable(l -> l);
  }

  /** Maps {@code alias} to an existing user; ALREADY_EXISTS if it names a user or alias. */
  public Mono<Void> addAlias(String alias, String user) {
    checkName(alias);
    return run(() -> {
      synchronized (conn) {
        if (!exists(user)) {
          throw new MailStoreException(Reason.NO_SUCH_USER, "no user " + user);
        }
        if (exists(alias) || resolveAlias(alias) != null) {
          throw new MailStoreException(Reason.ALREADY_EXISTS, "address in use: " + alias);
        }
        update("INSERT INTO aliases VALUES (?, ?)", alias, canonical(user));
      }
      return null;
    });
  }

  /** Removes an alias; NO_SUCH_USER if no alias has that address. */
  public Mono<Void> removeAlias(String alias) {
    return run(() -> {
      synchronized (conn) {
        if (update("DELETE FROM aliases WHERE address = ?", alias) == 0) {
          throw new MailStoreException(Reason.NO_SUCH_USER, "no alias " + alias);
        }
      }
      return null;
    });
  }

  /**
   * The earliest-created user whose name ends in {@code @domain} (any case), or, with a null
   * domain, the earliest-created user of all; empty when there is none. Creation order is SQLite's
   * rowid order: the users table has no INTEGER PRIMARY KEY, so a new row gets a rowid above every
   * existing one, and VACUUM renumbers rowids in their existing order.
   */
  public Mono<String> earliestUser(String domain) {
    return run(() -> {
      synchronized (conn) {
        String sql = domain == null ? "SELECT name FROM users ORDER BY rowid LIMIT 1"
            : "SELECT name FROM users WHERE substr(name, -length(?) - 1) = ('@' || ?) COLLATE NOCASE"
                + " ORDER BY rowid LIMIT 1";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
          if (domain != null) {
            ps.setString(1, domain);
            ps.setString(2, domain);
          }
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
          }
        }
      }
    });
  }

  /** The user an address delivers to (a user name or an alias), or empty (SMTP 550 5.1.1). */
  public Mono<String> resolve(String address) {
    return run(() -> {
      synchronized (conn) {
        if (exists(address)) {
          return canonical(address);
        }
        return resolveAlias(address);
      }
    });
  }

  /**
   * Checks a password; true only for an existing user whose stored hash matches. Unknown users
   * cost one Argon2id computation too; a password verified against the same stored hash within the
   * last minutes is known without one ({@link VerifiedPasswords}).
   */
  public Mono<Boolean> verify(String user, char[] password) {
    return run(() -> {
      String scheme;
      String hash;
      synchronized (conn) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT scheme, hash FROM users WHERE name = ?")) {
          ps.setString(1, user);
          try (ResultSet rs = ps.executeQuery()) {
            scheme = rs.next() ? rs.getString(1) : null;
            hash = scheme == null ? null : rs.getString(2);
          }
        }
      }
      if (scheme == null) {
        Argon2id.verify(dummyHash, password);
        return false;
      }
      if (verified.contains(hash, password)) {
        return true;
      }
      boolean ok = PasswordScheme.valueOf(scheme).verify(hash, password);
      if (ok) {
        verified.add(hash, password);
      }
      return ok;
    });
  }

  /**
   * Imports a Dovecot passwd-file, keeping each imported hash as it is; existing users get the
   * imported hash. Rejected lines are reported (never with their hashes).
   */
  public Mono<ImportReport> importDovecot(Path passwdFile) {
    return run(() -> {
      DovecotPasswdFile.Parsed parsed;
      try (BufferedReader r = Files.newBufferedReader(passwdFile, StandardCharsets.UTF_8)) {
        parsed = DovecotPasswdFile.parse(r);
      }
      int imported = 0;
      int replaced = 0;
      List<DovecotPasswdFile.Rejected> rejected = new ArrayList<>(parsed.rejected());
      synchronized (conn) {
        conn.setAutoCommit(false);
        try {
          for (DovecotPasswdFile.Entry e : parsed.entries()) {
            try {
              checkName(e.user());
            } catch (IllegalArgumentException bad) {
              rejected.add(new DovecotPasswdFile.Rejected(0, e.user(), "bad user name"));
              continue;
            }
            if (exists(e.user())) {
              update("UPDATE users SET scheme = ?, hash = ? WHERE name = ?", e.scheme().name(), e.hash(), e.user());
              replaced++;
            } else {
              update("INSERT INTO users VALUES (?, ?, ?)", e.user(), e.scheme().name(), e.hash());
              imported++;
            }
          }
          conn.commit();
        } catch (SQLException e) {
          conn.rollback();
          throw e;
        } finally {
          conn.setAutoCommit(true);
        }
      }
      return new ImportReport(imported, replaced, rejected);
    });
  }

  private boolean exists(String user) throws SQLException {
    return canonical(user) != null;
  }

  private String canonical(String user) throws SQLException {
    return queryString("SELECT name FROM users WHERE name = ?", user);
  }

  private String resolveAlias(String alias) throws SQLException {
    return queryString("SELECT user FROM aliases WHERE address = ?", alias.toLowerCase(Locale.ROOT));
  }

  private String queryString(String sql, String arg) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    scheduler.dispose();
    synchronized (conn) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // closing
      }
    }
  }
}

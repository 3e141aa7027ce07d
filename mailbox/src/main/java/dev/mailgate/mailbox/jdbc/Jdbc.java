package dev.mailgate.mailbox.jdbc;

import dev.mailgate.mailbox.store.UidSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Small JDBC helpers shared by the SQLite and PostgreSQL stores: positional binding,
 * single-value queries, UID-set conditions. The SQL they build is the common subset of both.
 */
public final class Jdbc {
  private Jdbc() {}

  public static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** The first column of the first row, or 0 when there is no row. */
  public static long queryLong(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * "(uid BETWEEN ? AND ? OR ...)" for the set; bind with {@link #bindUids}. An empty set is a
   * condition that never holds, written so both SQLite and PostgreSQL accept it.
   */
  public static String uidCondition(UidSet set) {
    if (set.isEmpty()) {
      return "(1 = 0)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < set.ranges().size(); i++) {
      sb.append(i == 0 ? "" : " OR ").append("uid BETWEEN ? AND ?");
    }
    return sb.append(')').toString();
  }

  /** Binds the set's ranges from parameter {@code from}; returns the next parameter index. */
  public static int bindUids(PreparedStatement ps, int from, UidSet set) throws SQLException {
    int i = from;
    for (UidSet.Range r : set.ranges()) {
      ps.setLong(i++, r.low());
      ps.setLong(i++, r.high());
    }
    return i;
  }
}

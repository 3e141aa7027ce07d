package dev.mailgate.mailbox.postgres;

import dev.mailgate.mailbox.store.UidSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Small JDBC helpers: positional binding, single-value queries, UID-set conditions. */
final class PgSql {
  private PgSql() {}

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** The first column of the first row, or 0 when there is no row. */
  static long queryLong(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** "(uid BETWEEN ? AND ? OR ...)" for the set; bind with {@link #bindUids}. */
  static String uidCondition(UidSet set) {
    if (set.isEmpty()) {
      return "(false)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < set.ranges().size(); i++) {
      sb.append(i == 0 ? "" : " OR ").append("uid BETWEEN ? AND ?");
    }
    return sb.append(')').toString();
  }

  static int bindUids(PreparedStatement ps, int from, UidSet set) throws SQLException {
    int i = from;
    for (UidSet.Range r : set.ranges()) {
      ps.setLong(i++, r.low());
      ps.setLong(i++, r.high());
    }
    return i;
  }
}

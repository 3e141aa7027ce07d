package dev.mailgate.config;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * Which JDBC urls the drivers on the class path accept, so that {@code check-config} reports an
 * sql lookup nobody can open before the first login fails on it. Asking a driver does not connect.
 */
final class JdbcDrivers {
  private JdbcDrivers() {}

  static boolean accepts(String url) {
    try {
      return DriverManager.getDriver(url) != null;
    } catch (SQLException e) {
      return false;
    }
  }

  /** {@code jdbc:postgresql} of a url: what may be shown of it (the rest may hold a password). */
  static String scheme(String url) {
    int second = url.indexOf(':', "jdbc:".length());
    return second < 0 ? url.substring(0, Math.min(url.length(), 16)) : url.substring(0, second);
  }

  /** The driver classes present, for the error message. */
  static List<String> drivers() {
    return DriverManager.drivers().map(d -> d.getClass().getName()).sorted().toList();
  }
}

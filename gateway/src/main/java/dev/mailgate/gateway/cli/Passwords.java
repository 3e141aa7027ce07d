package dev.mailgate.gateway.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a new password for {@code mailgate user add | passwd}: twice from the terminal without echo
 * ({@link System#console()}), or one line from standard input with {@code --password-stdin} (for
 * scripts: {@code printf '%s\n' "$PW" | mailgate user add me@example.test --password-stdin}). The
 * line is at most {@link #MAX_LENGTH} bytes; the password is never printed.
 */
final class Passwords {

  static final int MAX_LENGTH = 1024;

  private final InputStream stdin;
  private final PrintWriter err;

  Passwords(InputStream stdin, PrintWriter err) {
    this.stdin = stdin;
    this.err = err;
  }

  /** The password, or null after printing why there is none. */
  char[] read(String user, boolean fromStdin) {
    if (fromStdin) {
      char[] pw = firstLine();
      if (pw == null || pw.length == 0) {
        err.println("no password on standard input (one line expected, at most " + MAX_LENGTH + " bytes)");
        return null;
      }
      return pw;
    }
    Console console = System.console();
    if (console == null) {
      err.println("no terminal to prompt on: pipe the password in with --password-stdin");
      return null;
    }
    char[] first = console.readPassword("Password for %s: ", user);
    char[] second = first == null ? null : console.readPassword("Repeat the password: ");
    if (first == null || second == null || first.length == 0) {
      err.println("no password given");
      return null;
    }
    boolean same = Arrays.equals(first, second);
    Arrays.fill(second, '\0');
    if (!same) {
      Arrays.fill(first, '\0');
      err.println("the passwords differ");
      return null;
    }
    return first;
  }

  private char[] firstLine() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = stdin.read()) >= 0 && b != '\n') {
        if (line.size() >= MAX_LENGTH) {
          return null;
        }
        line.write(b);
      }
    } catch (IOException e) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      n--;
    }
    java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, n));
    char[] out = new char[chars.remaining()];
    chars.get(out);
    Arrays.fill(bytes, (byte) 0);
    return out;
  }
}

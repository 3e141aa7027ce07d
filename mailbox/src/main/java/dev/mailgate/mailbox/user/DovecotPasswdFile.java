package dev.mailgate.mailbox.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Dovecot passwd-file ({@code user:{SCHEME}hash:uid:gid:gecos:home:shell:extra_fields},
 * Dovecot's "Passwd-file" documentation). Only the user and password fields matter here; uid, gid,
 * home and extra fields are ignored (the local tier has its own layout). Entries with a scheme we
 * cannot verify, no scheme, or a malformed hash are reported, not imported.
 *
 * <p>Limits: lines up to {@link #MAX_LINE} characters, at most {@link #MAX_ENTRIES} entries.
 */
public final class DovecotPasswdFile {
  public static final int MAX_LINE = 8192;
  public static final int MAX_ENTRIES = 1_000_000;

  /** One importable entry. */
  public record Entry(String user, PasswordScheme scheme, String hash) {
    @Override
    public String toString() {
      return "Entry[" + user + ", " + scheme + "]"; // never print hashes
    }
  }

  /** A line that was not imported, and why. */
  public record Rejected(int line, String user, String reason) {}

  /** The parsed file. */
  public record Parsed(List<Entry> entries, List<Rejected> rejected) {}

  private DovecotPasswdFile() {}

  public static Parsed parse(BufferedReader in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.length() > MAX_LINE) {
        rejected.add(new Rejected(n, null, "line longer than " + MAX_LINE));
        continue;
      }
      if (entries.size() >= MAX_ENTRIES) {
        rejected.add(new Rejected(n, null, "more than " + MAX_ENTRIES + " entries"));
        break;
      }
      int c1 = line.indexOf(':');
      if (c1 <= 0) {
        rejected.add(new Rejected(n, null, "no user field"));
        continue;
      }
      String user = line.substring(0, c1);
      int c2 = line.indexOf(':', c1 + 1);
      String password = c2 < 0 ? line.substring(c1 + 1) : line.substring(c1 + 1, c2);
      if (!password.startsWith("{") || password.indexOf('}') < 0) {
        rejected.add(new Rejected(n, user, "password without {SCHEME} prefix"));
        continue;
      }
      String schemeName = password.substring(1, password.indexOf('}'));
      // Dovecot allows an encoding suffix ({SCHEME.b64}); none of our schemes use it
      PasswordScheme scheme = PasswordScheme.byDovecotName(schemeName);
      String hash = password.substring(password.indexOf('}') + 1);
      if (scheme == null) {
        rejected.add(new Rejected(n, user, "unsupported scheme " + schemeName));
      } else if (!scheme.accepts(hash)) {
        rejected.add(new Rejected(n, user, "malformed " + scheme.dovecotName() + " hash"));
      } else {
        entries.add(new Entry(user, scheme, hash));
      }
    }
    return new Parsed(entries, rejected);
  }
}

package dev.mailgate.codec.imap;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * A response code in brackets (RFC 9051 section 7.1, RFC 5530, RFC 4315, RFC 7162, RFC 4978):
 * the atom and its arguments exactly as written on the wire ({@code null} when none). Validated:
 * no CR, LF or {@code ]} outside a parenthesised argument.
 */
public record ResponseCode(String atom, String arguments) {
  public ResponseCode {
    Objects.requireNonNull(atom, "atom");
    for (int i = 0; i < atom.length(); i++) {
      if (!ImapChars.isAtomChar((byte) atom.charAt(i)) || atom.charAt(i) > 0x7e) {
        throw new IllegalArgumentException("bad response code atom: " + atom);
      }
    }
    if (arguments != null && (arguments.indexOf('\r') >= 0 || arguments.indexOf('\n') >= 0
        || (arguments.indexOf(']') >= 0 && !arguments.startsWith("(")))) {
      throw new IllegalArgumentException("bad response code arguments");
    }
  }

  public static ResponseCode of(String atom) {
    return new ResponseCode(atom, null);
  }

  public static final ResponseCode ALERT = of("ALERT");
  public static final ResponseCode TOOBIG = of("TOOBIG");
  public static final ResponseCode UNAVAILABLE = of("UNAVAILABLE");
  public static final ResponseCode AUTHENTICATIONFAILED = of("AUTHENTICATIONFAILED");
  public static final ResponseCode AUTHORIZATIONFAILED = of("AUTHORIZATIONFAILED");
  public static final ResponseCode PRIVACYREQUIRED = of("PRIVACYREQUIRED");
  public static final ResponseCode LIMIT = of("LIMIT");
  public static final ResponseCode READ_WRITE = of("READ-WRITE");
  public static final ResponseCode READ_ONLY = of("READ-ONLY");
  public static final ResponseCode TRYCREATE = of("TRYCREATE");
  public static final ResponseCode NONEXISTENT = of("NONEXISTENT");
  public static final ResponseCode ALREADYEXISTS = of("ALREADYEXISTS");
  public static final ResponseCode OVERQUOTA = of("OVERQUOTA");
  public static final ResponseCode CANNOT = of("CANNOT");
  public static final ResponseCode SERVERBUG = of("SERVERBUG");
  public static final ResponseCode CLIENTBUG = of("CLIENTBUG");
  public static final ResponseCode INUSE = of("INUSE");
  public static final ResponseCode EXPUNGEISSUED = of("EXPUNGEISSUED");
  public static final ResponseCode NOPERM = of("NOPERM");
  public static final ResponseCode CONTACTADMIN = of("CONTACTADMIN");
  public static final ResponseCode EXPIRED = of("EXPIRED");
  public static final ResponseCode PARSE = of("PARSE");
  public static final ResponseCode CLOSED = of("CLOSED");
  public static final ResponseCode NOMODSEQ = of("NOMODSEQ");
  public static final ResponseCode UIDNOTSTICKY = of("UIDNOTSTICKY");
  public static final ResponseCode COMPRESSIONACTIVE = of("COMPRESSIONACTIVE");
  public static final ResponseCode HASCHILDREN = of("HASCHILDREN");
  public static final ResponseCode UNKNOWN_CTE = of("UNKNOWN-CTE");

  /** {@code [CAPABILITY IMAP4rev1 ...]}. */
  public static ResponseCode capability(Collection<String> capabilities) {
    return new ResponseCode("CAPABILITY", String.join(" ", capabilities));
  }

  public static ResponseCode uidValidity(long n) {
    return new ResponseCode("UIDVALIDITY", Long.toString(n));
  }

  public static ResponseCode uidNext(long n) {
    return new ResponseCode("UIDNEXT", Long.toString(n));
  }

  public static ResponseCode unseen(long n) {
    return new ResponseCode("UNSEEN", Long.toString(n));
  }

  public static ResponseCode highestModSeq(long n) {
    return new ResponseCode("HIGHESTMODSEQ", Long.toString(n));
  }

  public static ResponseCode appendLimit(long n) {
    return new ResponseCode("APPENDLIMIT", Long.toString(n));
  }

  /** {@code [PERMANENTFLAGS (\Deleted \Seen \*)]}. */
  public static ResponseCode permanentFlags(Collection<String> flags) {
    return new ResponseCode("PERMANENTFLAGS", "(" + String.join(" ", flags) + ")");
  }

  /** {@code [APPENDUID uidvalidity uid-set]} (RFC 4315). */
  public static ResponseCode appendUid(long uidValidity, SequenceSet uids) {
    return new ResponseCode("APPENDUID", uidValidity + " " + uids);
  }

  /** {@code [COPYUID uidvalidity source-set dest-set]} (RFC 4315). */
  public static ResponseCode copyUid(long uidValidity, SequenceSet source, SequenceSet dest) {
    return new ResponseCode("COPYUID", uidValidity + " " + source + " " + dest);
  }

  /** {@code [MODIFIED set]} (RFC 7162 section 3.1.3). */
  public static ResponseCode modified(SequenceSet set) {
    return new ResponseCode("MODIFIED", set.toString());
  }

  /** {@code [BADCHARSET (UTF-8 US-ASCII)]}. */
  public static ResponseCode badCharset(Collection<String> charsets) {
    return new ResponseCode("BADCHARSET", "(" + String.join(" ", charsets) + ")");
  }

  /** True for {@code CAPABILITY}, in any case. */
  public boolean isCapability() {
    return atom.equalsIgnoreCase("CAPABILITY");
  }

  /** The capability names of a {@code [CAPABILITY ...]} code, upper case. */
  public java.util.List<String> capabilities() {
    if (!isCapability() || arguments == null || arguments.isBlank()) {
      return java.util.List.of();
    }
    return atoms(arguments.trim()).stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
  }

  /**
   * The space-separated atoms of a code's arguments as written (a CAPABILITY list). By hand, not
   * {@code String.split(" +")}, which compiles a regular expression on every call: the proxy reads
   * a backend's capabilities on every login.
   */
  public static java.util.List<String> atoms(String text) {
    return java.util.List.copyOf(dev.mailgate.codec.Words.split(text, " "));
  }

  /** The wire form without brackets. */
  @Override
  public String toString() {
    return arguments == null ? atom : atom + " " + arguments;
  }
}

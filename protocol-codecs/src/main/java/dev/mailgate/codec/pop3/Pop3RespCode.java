package dev.mailgate.codec.pop3;

/**
 * The extended response codes a server puts in brackets after {@code -ERR} (RFC 2449 section 8):
 * IN-USE and LOGIN-DELAY (RFC 2449 8.1.1, 8.1.2), SYS/TEMP, SYS/PERM and AUTH (RFC 3206), UTF8
 * (RFC 6856). PRODUCT.md maps the gateway's refusals onto these.
 */
public enum Pop3RespCode {
  IN_USE("IN-USE"),
  LOGIN_DELAY("LOGIN-DELAY"),
  SYS_TEMP("SYS/TEMP"),
  SYS_PERM("SYS/PERM"),
  AUTH("AUTH"),
  UTF8("UTF8");

  private final String wire;

  Pop3RespCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears inside the brackets. */
  public String wire() {
    return wire;
  }

  /**
   * Whether {@code text} has the syntax of a response code, RFC 2449 section 8's {@code resp-code}
   * without brackets: atoms of letters, digits and hyphens joined by single slashes
   * ({@code SYS/TEMP}). Checked by hand: the decoder asks for every bracketed status line a
   * backend sends, and {@code String.matches} compiles its pattern on every call.
   */
  public static boolean isWellFormed(String text) {
    int n = text.length();
    boolean atomStart = true;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '/') {
        if (atomStart) {
          return false;
        }
        atomStart = true;
      } else if (c == '-' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
        atomStart = false;
      } else {
        return false;
      }
    }
    return !atomStart;
  }

  /** The known code spelled {@code text} (case-insensitive), or {@code null}. */
  public static Pop3RespCode fromWire(String text) {
    for (Pop3RespCode c : values()) {
      if (c.wire.equalsIgnoreCase(text)) {
        return c;
      }
    }
    return null;
  }
}

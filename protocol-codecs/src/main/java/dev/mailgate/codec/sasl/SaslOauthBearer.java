package dev.mailgate.codec.sasl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * OAUTHBEARER (RFC 7628 section 3.1): a GS2 header (RFC 5801: {@code n,a=authzid,}, channel
 * binding not supported), then {@code ^A}-separated {@code key=value} pairs ({@code auth=Bearer
 * token} required, {@code host} and {@code port} optional), ended by {@code ^A^A}. The authzid is
 * the user the token is for; it becomes {@link SaslCredentials#user()}.
 */
public final class SaslOauthBearer {
  private static final byte KVSEP = 0x01;

  private SaslOauthBearer() {}

  /** Decodes a client message (already base64-decoded). The array is cleared afterwards. */
  public static SaslStep decode(byte[] msg) {
    try {
      int n = msg.length;
      // gs2-header: "n" or "y", then ",", optional "a=" saslname, then ","
      if (n < 4 || (msg[0] != 'n' && msg[0] != 'y') || msg[1] != ',') {
        return SaslText.rejected("OAUTHBEARER needs a GS2 header without channel binding");
      }
      int comma = SaslText.indexOf(msg, 2, n, (byte) ',');
      if (comma < 0) {
        return SaslText.rejected("OAUTHBEARER GS2 header is not closed");
      }
      String user = "";
      if (comma > 2) {
        if (!SaslXoauth2.startsWith(msg, 2, comma, "a=")) {
          return SaslText.rejected("OAUTHBEARER GS2 header has an unknown field");
        }
        user = saslname(msg, 4, comma);
        if (user == null || user.isEmpty()) {
          return SaslText.rejected("OAUTHBEARER authzid is malformed");
        }
      }
      if (comma + 1 >= n || msg[comma + 1] != KVSEP || n < comma + 3
          || msg[n - 1] != KVSEP || msg[n - 2] != KVSEP) {
        return SaslText.rejected("OAUTHBEARER pairs must be ^A-separated and end with ^A^A");
      }
      Secret token = null;
      String host = "";
      int port = -1;
      int at = comma + 2;
      while (at < n - 1) {
        int end = SaslText.indexOf(msg, at, n, KVSEP);
        int eq = SaslText.indexOf(msg, at, end, (byte) '=');
        if (eq <= at || !alpha(msg, at, eq)) {
          return SaslText.rejected("OAUTHBEARER pair is not key=value");
        }
        if (SaslXoauth2.startsWith(msg, at, end, "auth=")) {
          if (token != null || !SaslXoauth2.startsWithIgnoreCase(msg, eq + 1, end, "Bearer ")) {
            return SaslText.rejected("OAUTHBEARER auth must be one Bearer token");
          }
          int from = eq + 8;
          while (from < end && msg[from] == ' ') {
            from++;
          }
          if (from == end || end - from > SaslText.MAX_SECRET || !SaslXoauth2.printable(msg, from, end)) {
            return SaslText.rejected("OAUTHBEARER bearer token is empty or malformed");
          }
          token = Secret.copyOf(msg, from, end - from);
        } else if (SaslXoauth2.startsWith(msg, at, end, "host=")) {
          host = SaslText.utf8(msg, eq + 1, end);
          if (host == null || end - eq - 1 > SaslText.MAX_IDENTITY) {
            return SaslText.rejected("OAUTHBEARER host is malformed");
          }
        } else if (SaslXoauth2.startsWith(msg, at, end, "port=")) {
          port = port(msg, eq + 1, end);
          if (port < 0) {
            return SaslText.rejected("OAUTHBEARER port is malformed");
          }
        } else if (!SaslText.validUtf8(msg, eq + 1, end)) {
          return SaslText.rejected("OAUTHBEARER value is not UTF-8");
        } // other keys (e.g. "mthd", "path" of RFC 7628's registry) are allowed and ignored
        at = end + 1;
      }
      if (token == null) {
        return SaslText.rejected("OAUTHBEARER needs auth=Bearer");
      }
      return new SaslStep.Success(new SaslCredentials.Token("", user, token, host, port));
    } finally {
      Arrays.fill(msg, (byte) 0);
    }
  }

  /** Encodes {@code credentials} as an OAUTHBEARER client message (not base64). */
  public static byte[] encode(SaslCredentials.Token credentials) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder("n,");
    if (!credentials.user().isEmpty()) {
      head.append("a=").append(credentials.user().replace("=", "=3D").replace(",", "=2C"));
    }
    head.append(',').append('\u0001');
    if (!credentials.host().isEmpty()) {
      head.append("host=").append(credentials.host()).append('\u0001');
    }
    if (credentials.port() >= 0) {
      head.append("port=").append(credentials.port()).append('\u0001');
    }
    head.append("auth=Bearer ");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    byte[] token = credentials.token().bytes();
    out.writeBytes(token);
    Arrays.fill(token, (byte) 0);
    out.write(KVSEP);
    out.write(KVSEP);
    return out.toByteArray();
  }

  /** RFC 5801 saslname: "=2C" is ",", "=3D" is "=", no other "=" or ",". */
  private static String saslname(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int len = 0;
    for (int i = from; i < to; i++) {
      if (b[i] == '=') {
        if (i + 2 < to && b[i + 1] == '2' && (b[i + 2] == 'C' || b[i + 2] == 'c')) {
          out[len++] = ',';
        } else if (i + 2 < to && b[i + 1] == '3' && (b[i + 2] == 'D' || b[i + 2] == 'd')) {
          out[len++] = '=';
        } else {
          return null;
        }
        i += 2;
      } else {
        out[len++] = b[i];
      }
    }
    return len > SaslText.MAX_IDENTITY ? null : SaslText.utf8(out, 0, len);
  }

  private static boolean alpha(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z'))) {
        return false;
      }
    }
    return true;
  }

  private static int port(byte[] b, int from, int to) {
    if (to - from < 1 || to - from > 5) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return -1;
      }
      v = v * 10 + (b[i] - '0');
    }
    return v <= 65535 ? v : -1;
  }
}

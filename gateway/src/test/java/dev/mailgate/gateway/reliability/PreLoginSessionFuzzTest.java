package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fuzzing of the pre-login state machines (not only their decoders): each session of the running
 * gateway's SMTP, POP3 and IMAP listeners, and of the proxy tier's IMAP listener (its own session
 * class; its backend is down), gets a random sequence of the protocol's pre-login commands with
 * random arguments, wrong credentials, SASL exchanges, literals and mutated bytes (NUL, 8-bit,
 * bare CR or LF, cut or overlong lines), written in random splits, then a goodbye
 * sequence that ends any state (see {@code Generator.goodbye()}). Bounded
 * like the codec fuzz tests (docs/fuzzing.md): a fixed seed, {@value #SESSIONS} sessions of at most
 * {@value #MAX_COMMANDS} commands per protocol, a few seconds.
 *
 * <p>Required: every complete line the server sends is a well-formed reply of the protocol (SMTP
 * {@code ddd[ -]text}, POP3 and IMAP printable lines within their length limits, IMAP lines
 * untagged, continuations or tagged OK/NO/BAD), never a successful login, the session ends at the
 * goodbye (no hang), and a fresh session is served afterwards.
 *
 * <p>Bounds of the generator: at most one credential-bearing command per session (each session
 * comes from its own address, so the auth throttle's growing delays never start), recipients only
 * in foreign domains (nothing is delivered), no STARTTLS (covered by the TLS cases).
 */
@ExtendWith({RunningGateway.Extension.class, ReliabilityReport.class})
class PreLoginSessionFuzzTest {
  static final long SEED = 20261204L;
  static final int SESSIONS = 25;
  static final int MAX_COMMANDS = 24;
  private static final int PARALLEL = 5;
  private static final Pattern SMTP_LINE = Pattern.compile("[2-5][0-9]{2}([ -][\\x20-\\x7e]*)?");
  private static final Pattern IMAP_LINE = Pattern.compile("(\\* |\\+ |\\+$|[\\x21-\\x7e]+ (OK|NO|BAD)( |$))[\\x20-\\x7e]*");
  private static final Pattern POP3_LINE = Pattern.compile("[\\x20-\\x7e]{0,510}");

  private final RunningGateway gw;

  PreLoginSessionFuzzTest(RunningGateway gw) {
    this.gw = gw;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"smtp", "pop3", "imap", "imap-proxy"})
  @Case(on = "smtp, pop3, imap (local tier) and imap-proxy (proxy tier, its backend down), before login",
      input = "25 sessions x up to 24 random pre-login commands (seed 20261204): random arguments, wrong passwords, SASL, "
          + "literals, NUL / 8-bit / bare CR-LF / cut / overlong lines, random write splits, then a goodbye (QUIT / LOGOUT)",
      expect = "every line a well-formed reply of the protocol; no login succeeds; each session ends at the goodbye; "
          + "a fresh session is served")
  void randomPreLoginCommandSequencesGetOnlyWellFormedReplies(String listener, Observed seen) throws Exception {
    // the IMAP proxy tier has its own pre-login session (ImapProxySession) but speaks IMAP
    String protocol = listener.equals("imap-proxy") ? "imap" : listener;
    double successesBefore = successes(protocol);
    Random seeds = new Random(SEED ^ listener.hashCode());
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    List<Future<int[]>> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < SESSIONS; i++) {
        long seed = seeds.nextLong();
        InetAddress source = InetAddress.getByName("127.5." + listenerIndex(listener) + "." + (i + 1));
        sessions.add(pool.submit(() -> session(listener, protocol, source, new Random(seed))));
      }
      int commands = 0;
      int lines = 0;
      for (Future<int[]> f : sessions) {
        int[] r = f.get();
        commands += r[0];
        lines += r[1];
      }
      seen.saw(SESSIONS + " sessions, " + commands + " commands, " + lines + " reply lines, all well-formed");
    } finally {
      pool.shutdownNow();
    }
    assertThat(successes(protocol)).as("no login succeeded").isEqualTo(successesBefore);
    try (Wire fresh = Wire.connect(gw.port(listener))) {
      seen.saw("fresh session: " + fresh.readLine());
    }
  }

  private static int listenerIndex(String listener) {
    return switch (listener) {
      case "smtp" -> 1;
      case "pop3" -> 2;
      case "imap" -> 3;
      default -> 4;
    };
  }

  private double successes(String protocol) {
    return gw.app().context().metrics().registry().find("mailgate.logins").tags("protocol", protocol, "outcome", "success")
        .counters().stream().mapToDouble(Counter::count).sum();
  }

  /** One session; returns {commands sent, reply lines checked}. */
  private int[] session(String listener, String protocol, InetAddress source, Random r) {
    Generator g = new Generator(protocol, r);
    int n = 1 + r.nextInt(MAX_COMMANDS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(g.mutate(g.command()));
    }
    byte[] bytes = out.toByteArray();
    String transcript;
    try (Wire w = Wire.connect(source, gw.port(listener)).timeout(60_000)) {
      for (int at = 0; at < bytes.length; ) {
        int len = Math.min(bytes.length - at, 1 + r.nextInt(r.nextBoolean() ? 8 : 4096));
        byte[] piece = java.util.Arrays.copyOfRange(bytes, at, at + len);
        try {
          w.send(piece);
        } catch (RuntimeException closed) {
          break; // the server ended the session (error limit, QUIT): what it sent is checked below
        }
        at += len;
      }
      try {
        w.send(g.goodbye());
      } catch (RuntimeException closed) {
        // already closed by the server
      }
      transcript = w.readUntilClosed(); // fails on the read timeout: a session that never ends
    }
    String[] parts = transcript.split("\n", -1);
    int checked = 0;
    for (int i = 0; i < parts.length - 1; i++) { // the last part has no LF: cut by the close, or empty
      String line = parts[i];
      assertThat(line).as("%s line %d ends with CRLF: %s", protocol, i, line).endsWith("\r");
      line = line.substring(0, line.length() - 1);
      Pattern p = protocol.equals("smtp") ? SMTP_LINE : protocol.equals("imap") ? IMAP_LINE : POP3_LINE;
      assertThat(line).as("%s reply line", protocol).matches(p);
      if (protocol.equals("smtp")) {
        assertThat(line).as("no AUTH success").doesNotStartWith("235");
      }
      checked++;
    }
    if (protocol.equals("pop3") || protocol.equals("imap")) {
      assertThat(checked == 0 || parts[0].startsWith(protocol.equals("pop3") ? "+OK" : "* OK")).isTrue();
    }
    return new int[] {n, checked};
  }

  /** Random pre-login commands of one protocol. */
  private static final class Generator {
    private final String protocol;
    private final Random r;
    private boolean credentialsSent;

    Generator(String protocol, Random r) {
      this.protocol = protocol;
      this.r = r;
    }

    String word() {
      String[] w = {"", "x", "a b", "example.test", "<>", "<a@elsewhere.invalid>", "\"q\"", "%", "@a:b@c", "*", "=",
          "{5}", "{0+}", "()", "((((", "\"", "\\", "INBOX", "1:*", "-1", "99999999999999999999"};
      return w[r.nextInt(w.length)];
    }

    String user() {
      return "u" + r.nextInt(1000) + "@example.test";
    }

    String b64(String s) {
      return r.nextInt(4) == 0 ? "!!not-base64!!" : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A credential-bearing command only once per session; later draws get a harmless one. */
    boolean credentials() {
      if (credentialsSent) {
        return false;
      }
      credentialsSent = true;
      return true;
    }

    String command() {
      return switch (protocol) {
        case "smtp" -> smtp();
        case "pop3" -> pop3();
        default -> imap();
      };
    }

    private String smtp() {
      return switch (r.nextInt(16)) {
        case 0 -> "EHLO " + word();
        case 1 -> "HELO " + word();
        case 2 -> "MAIL FROM:" + (r.nextBoolean() ? "<s@elsewhere.invalid>" : word()) + (r.nextBoolean() ? " SIZE=" + r.nextInt() : "");
        case 3 -> "RCPT TO:<r" + r.nextInt(9) + "@elsewhere.invalid>";
        case 4 -> "DATA";
        case 5 -> "RSET";
        case 6 -> "NOOP " + word();
        case 7 -> "VRFY " + word();
        case 8 -> "BDAT " + r.nextInt(64) + (r.nextBoolean() ? " LAST" : "");
        case 9 -> credentials() ? "AUTH PLAIN " + b64("\0" + user() + "\0wrong" + r.nextInt()) : "AUTH PLAIN *";
        case 10 -> "AUTH LOGIN";
        case 11 -> b64(word());
        case 12 -> "*";
        case 13 -> ".";
        case 14 -> "HELP";
        default -> word() + " " + word();
      };
    }

    private String pop3() {
      return switch (r.nextInt(14)) {
        case 0 -> "USER " + (r.nextBoolean() ? user() : word());
        case 1 -> credentials() ? "PASS wrong" + r.nextInt() : "NOOP";
        case 2 -> "CAPA";
        case 3 -> "AUTH";
        case 4 -> credentials() ? "AUTH PLAIN " + b64("\0" + user() + "\0wrong") : "AUTH PLAIN *";
        case 5 -> "AUTH LOGIN";
        case 6 -> b64(word());
        case 7 -> "STAT";
        case 8 -> "LIST " + word();
        case 9 -> "RETR 1";
        case 10 -> "APOP " + user() + " 0123456789abcdef0123456789abcdef";
        case 11 -> "*";
        case 12 -> "TOP 1 " + r.nextInt(5);
        default -> word() + " " + word();
      };
    }

    private String imap() {
      String tag = r.nextInt(8) == 0 ? word() : "t" + r.nextInt(100);
      return switch (r.nextInt(14)) {
        case 0 -> tag + " CAPABILITY";
        case 1 -> tag + " NOOP";
        case 2 -> credentials() ? tag + " LOGIN " + user() + " wrong" + r.nextInt() : tag + " NOOP";
        case 3 -> credentials() ? tag + " AUTHENTICATE PLAIN " + b64("\0" + user() + "\0wrong") : tag + " AUTHENTICATE PLAIN";
        case 4 -> tag + " AUTHENTICATE LOGIN";
        case 5 -> tag + " ID (\"name\" \"" + word() + "\")";
        case 6 -> tag + " SELECT INBOX";
        case 7 -> tag + " LOGIN {" + r.nextInt(20) + "}";
        case 8 -> tag + " LOGIN {" + r.nextInt(10) + "+}\r\n" + word();
        case 9 -> b64(word());
        case 10 -> "*";
        case 11 -> "DONE";
        case 12 -> tag + " ENABLE " + word();
        default -> tag + " " + word() + " " + word();
      };
    }

    /**
     * What ends every session, whatever state the random commands left it in: a CRLF ends a cut
     * line, a filler line completes any literal or BDAT chunk the generator can announce (at most
     * 63 octets), {@code *} cancels a SASL exchange, then the protocol's goodbye command, to
     * which the server answers and closes (replies to everything before it come first).
     */
    byte[] goodbye() {
      String quit = switch (protocol) {
        case "imap" -> "zz9 LOGOUT";
        default -> "QUIT";
      };
      return ("\r\n" + "x".repeat(70) + "\r\n*\r\n" + quit + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The command's bytes with CRLF, sometimes mutated. */
    byte[] mutate(String command) {
      byte[] b = (command + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      int roll = r.nextInt(100);
      if (roll < 3) {
        return ("X".repeat(1_000 + r.nextInt(70_000)) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      }
      if (roll < 18) {
        byte[] junk = {0, (byte) 0x80, (byte) 0xff, '\r', '\n', (byte) 0xc3, 0x7f};
        int at = r.nextInt(b.length);
        byte[] m = new byte[b.length + 1];
        System.arraycopy(b, 0, m, 0, at);
        m[at] = junk[r.nextInt(junk.length)];
        System.arraycopy(b, at, m, at + 1, b.length - at);
        return m;
      }
      if (roll < 22) {
        return java.util.Arrays.copyOf(b, r.nextInt(b.length)); // cut: the next command continues the line
      }
      return b;
    }
  }
}

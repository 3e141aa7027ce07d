package dev.mailgate.codec.pop3;

import dev.mailgate.codec.sasl.Secret;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A decoded POP3 client command (RFC 1939, RFC 2449, RFC 2595, RFC 5034, RFC 6856), or a client
 * line of a SASL exchange. The server decoder emits these; the client encoder writes them.
 * Components are validated on construction: no CR, LF or NUL can reach the wire through them.
 */
public sealed interface Pop3Command {

  /** The command keyword ({@code null} for SASL continuation lines, which have none). */
  Pop3Verb verb();

  /**
   * A command without arguments: STLS, CAPA, STAT, NOOP, RSET, QUIT, UTF8. One shared instance per
   * verb, so decoding them allocates nothing.
   */
  record Simple(Pop3Verb verb) implements Pop3Command {
    private static final Map<Pop3Verb, Simple> CACHE = new EnumMap<>(Pop3Verb.class);

    static {
      for (Pop3Verb v : new Pop3Verb[] {
          Pop3Verb.STLS, Pop3Verb.CAPA, Pop3Verb.STAT, Pop3Verb.NOOP, Pop3Verb.RSET,
          Pop3Verb.QUIT, Pop3Verb.UTF8}) {
        CACHE.put(v, new Simple(v));
      }
    }

    public Simple {
      Objects.requireNonNull(verb, "verb");
    }

    /** The shared instance for {@code verb}. */
    public static Simple of(Pop3Verb verb) {
      Simple s = CACHE.get(verb);
      if (s == null) {
        throw new IllegalArgumentException(verb + " takes arguments");
      }
      return s;
    }
  }

  /** {@code USER name} (RFC 1939 section 7). */
  record User(String name) implements Pop3Command {
    public User {
      Pop3Text.requireArgument(name, "name");
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.USER;
    }
  }

  /**
   * {@code PASS string} (RFC 1939 section 7): the argument is the rest of the line and may contain
   * spaces.
   */
  record Pass(Secret password) implements Pop3Command {
    public Pass {
      Objects.requireNonNull(password, "password");
      Pop3Text.requireLineSafe(password);
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.PASS;
    }
  }

  /** {@code APOP name digest} (RFC 1939 section 7); the digest is 32 lower-case hex digits. */
  record Apop(String name, String digest) implements Pop3Command {
    public Apop {
      Pop3Text.requireArgument(name, "name");
      Objects.requireNonNull(digest, "digest");
      if (digest.length() != 32 || !digest.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new IllegalArgumentException("APOP digest must be 32 lower-case hex digits");
      }
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.APOP;
    }
  }

  /**
   * {@code AUTH [mechanism [initial-response]]} (RFC 5034 section 4). Without a mechanism the
   * client asks for the list of mechanisms (the RFC 1734 form many clients still send). The
   * initial response is the base64 text as sent ("=" stands for an empty response).
   *
   * @param mechanism the SASL mechanism name, upper-cased, or {@code null}
   * @param initialResponse the base64 initial response, or {@code null} when absent
   */
  record Auth(String mechanism, Secret initialResponse) implements Pop3Command {
    public Auth {
      if (mechanism == null && initialResponse != null) {
        throw new IllegalArgumentException("initial response without mechanism");
      }
      if (mechanism != null && !isMechanismName(mechanism)) {
        throw new IllegalArgumentException("bad SASL mechanism name");
      }
      if (initialResponse != null) {
        Pop3Text.requireLineSafe(initialResponse);
      }
    }

    /** RFC 4422 3.1 sasl-mech, as the decoder upper-cased it: [A-Z0-9_-]{1,20}; not a pattern per AUTH. */
    private static boolean isMechanismName(String m) {
      if (m.isEmpty() || m.length() > 20) {
        return false;
      }
      for (int i = 0; i < m.length(); i++) {
        char c = m.charAt(i);
        if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.AUTH;
    }
  }

  /**
   * A client line sent in answer to a {@code +} continuation during AUTH (RFC 5034 section 4):
   * base64 text, or {@link #cancelled()} when the client sent {@code *}.
   */
  record SaslResponse(Secret base64) implements Pop3Command {
    private static final byte[] CANCEL = {'*'};

    public SaslResponse {
      Objects.requireNonNull(base64, "base64");
      Pop3Text.requireLineSafe(base64);
    }

    /** The client's {@code *}, which cancels the exchange. */
    public static SaslResponse cancel() {
      return new SaslResponse(Secret.wrap(CANCEL.clone()));
    }

    public boolean cancelled() {
      return base64.length() == 1 && base64.byteAt(0) == '*';
    }

    @Override
    public Pop3Verb verb() {
      return null;
    }
  }

  /** {@code LIST [msg]} (RFC 1939 section 5). */
  record List(OptionalInt message) implements Pop3Command {
    public List {
      Pop3Text.requireMessageNumber(message);
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.LIST;
    }
  }

  /** {@code UIDL [msg]} (RFC 1939 section 7). */
  record Uidl(OptionalInt message) implements Pop3Command {
    public Uidl {
      Pop3Text.requireMessageNumber(message);
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.UIDL;
    }
  }

  /** {@code RETR msg} (RFC 1939 section 5). */
  record Retr(int message) implements Pop3Command {
    public Retr {
      Pop3Text.requireMessageNumber(message);
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.RETR;
    }
  }

  /** {@code DELE msg} (RFC 1939 section 5). */
  record Dele(int message) implements Pop3Command {
    public Dele {
      Pop3Text.requireMessageNumber(message);
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.DELE;
    }
  }

  /** {@code TOP msg n} (RFC 1939 section 7): headers and the first {@code lines} body lines. */
  record Top(int message, int lines) implements Pop3Command {
    public Top {
      Pop3Text.requireMessageNumber(message);
      if (lines < 0) {
        throw new IllegalArgumentException("negative line count");
      }
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.TOP;
    }
  }

  /** {@code LANG [lang-or-wild]} (RFC 6856 section 3); {@code null} asks for the list. */
  record Lang(String language) implements Pop3Command {
    public Lang {
      if (language != null) {
        Pop3Text.requireArgument(language, "language");
      }
    }

    @Override
    public Pop3Verb verb() {
      return Pop3Verb.LANG;
    }
  }
}

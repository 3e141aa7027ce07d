package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.Words;
import dev.mailgate.codec.pop3.Pop3Command;
import dev.mailgate.codec.pop3.Pop3RespCode;
import dev.mailgate.codec.pop3.Pop3Response;
import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.codec.pop3.Pop3Verb;
import dev.mailgate.codec.proxy.ProxyHeader;
import dev.mailgate.codec.proxy.ProxyProtocolEncoder;
import dev.mailgate.codec.sasl.SaslClientExchange;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.backend.LoopDialogue;
import dev.mailgate.gateway.pop3.Pop3ClientFacts;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend leg of a POP3 login, as a POP3 client: optionally a PROXY v2 header, the greeting,
 * STLS when the backend spec says STARTTLS (RFC 2595 section 4), CAPA (RFC 2449), then the login
 * with the client's credentials: AUTH PLAIN with an initial response when offered (RFC 5034),
 * else USER/PASS (RFC 1939), else AUTH LOGIN; a bearer token as OAUTHBEARER or XOAUTH2.
 *
 * <p>A {@link LoopDialogue}, like the IMAP proxy's
 * {@code BackendLogin}: one subscriber on the backend's inbound asking for one decoded response at
 * a time, two timers on the loop (the greeting's, the whole dialogue's), commands written straight
 * to the channel. The chain of Reactor operators it replaces (a subscription to the inbound, a
 * {@code skipWhile}/{@code takeUntil} pipeline and a Mono per write, per command) cost about a
 * tenth of the event loops' CPU in the RETR benchmark, one session per 2 MB relayed.
 *
 * <p>The backend's responses come decoded by {@link BackendDialogue}'s pipeline codecs; a
 * multi-line body (CAPA) is kept up to {@link BackendDialogue#MAX_LISTING} octets. Credentials go
 * straight into the encoder and are never logged.
 */
final class Pop3BackendReplay extends LoopDialogue<Pop3BackendReplay.Outcome> {

  private static final Logger LOG = LoggerFactory.getLogger(Pop3BackendReplay.class);

  /** How the dialogue ended. */
  sealed interface Outcome {
    /** Logged in: the backend's {@code +OK} to the login. */
    record Accepted(Status status) implements Outcome {}

    /** The backend refused the login; its response code, when it gave a known one. */
    record Refused(Pop3RespCode code) implements Outcome {}

    /** The backend could not be used (refused greeting or STLS, broken response, closed, timeout). */
    record Failed(String reason) implements Outcome {}

    /** A bearer token for a backend whose SASL offers no token mechanism. */
    record NoTokenMechanism(List<String> offered) implements Outcome {}
  }

  /** AUTH LOGIN asks for the name and the password; a backend asking more is not playing LOGIN. */
  private static final int MAX_LOGIN_CHALLENGES = 2;

  private enum State { GREETING, STLS, HANDSHAKE, CAPA, CAPA_BODY, USER, AUTH_LOGIN, FINAL, DONE }

  private final BackendDialogue dialogue;
  private final SaslCredentials credentials;
  private final Pop3ClientFacts client;
  private final boolean proxyHeader;

  private State state = State.GREETING;
  private final StringBuilder capaText = new StringBuilder();
  private int capaKept;
  private SaslClientExchange loginExchange;
  private int loginChallenges;
  private Outcome outcome;

  /** @param proxyHeader send a PROXY v2 header with the client's addresses before anything else */
  Pop3BackendReplay(BackendDialogue dialogue, SaslCredentials credentials, Pop3ClientFacts client, boolean proxyHeader) {
    super(dialogue.backend());
    this.dialogue = dialogue;
    this.credentials = credentials;
    this.client = client;
    this.proxyHeader = proxyHeader;
  }

  /** Errors become {@link Outcome.Failed}: {@link LoopDialogue#run} itself never fails. */
  @Override
  protected Outcome failed(String reason) {
    return new Outcome.Failed(reason);
  }

  @Override
  protected void begin() {
    if (proxyHeader) {
      writeProxyHeader();
    }
    dialogue.attach();
  }

  /** PROXY v2 (HAProxy spec section 2.2) before any protocol byte; impossible after implicit TLS. */
  private void writeProxyHeader() {
    if (backend().backend().spec().tlsMode() == BackendTlsMode.IMPLICIT) {
      LOG.warn("backend {}: PROXY header not sent: the connector completes implicit TLS first",
          backend().backend().name());
      return;
    }
    ByteBuf out = alloc().buffer(64);
    ProxyProtocolEncoder.write(ProxyHeader.tcp(2, client.client(), client.local(), List.of()), out);
    send(out);
  }

  /** Anything but a login, and a cancel, closes the backend connection. */
  @Override
  protected void ended(Outcome result) {
    state = State.DONE;
    if (!(result instanceof Outcome.Accepted)) {
      backend().close();
    }
  }

  /** One decoded backend message; the next is asked for after it, unless a handshake waits. */
  @Override
  protected void onRead(Object msg) {
    step(msg);
    flush();
    if (outcome != null) {
      finish(outcome);
    } else if (state != State.HANDSHAKE) {
      next();
    }
  }

  private void step(Object msg) {
    if (msg instanceof DecodeFailure f) {
      outcome = new Outcome.Failed("unreadable response: " + f.detail());
      return;
    }
    if (msg instanceof ByteBuf bytes) {
      // Outside a body these are the plaintext the decoder held at STLS (dropped, RFC 2595).
      if (state == State.CAPA_BODY && capaKept + bytes.readableBytes() <= BackendDialogue.MAX_LISTING) {
        capaKept += bytes.readableBytes();
        capaText.append(bytes.toString(StandardCharsets.UTF_8));
      }
      return;
    }
    if (msg == Pop3Response.BodyEnd.INSTANCE) {
      if (state == State.CAPA_BODY) {
        login(capaLines());
      }
      return;
    }
    if (!(msg instanceof Pop3Response r)) {
      return;
    }
    switch (state) {
      case GREETING -> greeting(r);
      case STLS -> stls(r);
      case CAPA -> {
        if (ok(r)) {
          state = State.CAPA_BODY;
        } else {
          login(List.of()); // no CAPA (RFC 1939-only server): USER/PASS
        }
      }
      case USER -> {
        if (ok(r)) {
          state = State.FINAL;
          command(new Pop3Command.Pass(((SaslCredentials.Password) credentials).password()));
        } else {
          loginReply(r);
        }
      }
      case AUTH_LOGIN -> {
        if (r instanceof Pop3Response.Continuation c && loginChallenges++ < MAX_LOGIN_CHALLENGES) {
          command(new Pop3Command.SaslResponse(loginExchange.respond(c.base64())));
        } else {
          loginReply(r);
        }
      }
      case FINAL -> loginReply(r);
      default -> { }
    }
  }

  private void greeting(Pop3Response r) {
    if (!ok(r)) {
      outcome = new Outcome.Failed("greeting refused");
    } else if (backend().backend().spec().tlsMode() == BackendTlsMode.STARTTLS && !backend().isTls()) {
      state = State.STLS;
      command(Pop3Command.Simple.of(Pop3Verb.STLS));
    } else {
      capa();
    }
  }

  private void stls(Pop3Response r) {
    if (!ok(r)) {
      outcome = new Outcome.Failed("backend refused STLS");
      return;
    }
    state = State.HANDSHAKE;
    // anything that came with the +OK is plaintext that must not be trusted (RFC 2595 section 4)
    dialogue.resetDecoder();
    startTls(() -> {
      capa(); // the capabilities that count are those offered over TLS
      return null;
    });
  }

  private void capa() {
    state = State.CAPA;
    command(Pop3Command.Simple.of(Pop3Verb.CAPA));
  }

  /** CRLF-separated lines, by hand: a two-character split compiles a pattern per call. */
  private List<String> capaLines() {
    List<String> lines = new ArrayList<>();
    String text = capaText.toString();
    for (int from = 0; from < text.length(); ) {
      int end = text.indexOf("\r\n", from);
      int stop = end < 0 ? text.length() : end;
      if (stop > from) {
        lines.add(text.substring(from, stop));
      }
      from = end < 0 ? text.length() : end + 2;
    }
    return lines;
  }

  /** Sends the login the backend's capabilities allow. */
  private void login(List<String> capa) {
    List<String> sasl = saslMechanisms(capa);
    if (credentials instanceof SaslCredentials.Token token) {
      // a bearer token replays only as a token mechanism the backend offers (RFC 7628, XOAUTH2)
      for (SaslMechanism m : List.of(SaslMechanism.OAUTHBEARER, SaslMechanism.XOAUTH2)) {
        if (sasl.contains(m.wire())) {
          state = State.FINAL;
          command(new Pop3Command.Auth(m.wire(), SaslClientExchange.create(m, token).initialResponse()));
          return;
        }
      }
      outcome = new Outcome.NoTokenMechanism(sasl);
      return;
    }
    SaslCredentials.Password password = (SaslCredentials.Password) credentials;
    if (sasl.contains("PLAIN")) {
      state = State.FINAL;
      SaslClientExchange x = SaslClientExchange.create(SaslMechanism.PLAIN, password);
      command(new Pop3Command.Auth("PLAIN", x.initialResponse()));
      return;
    }
    boolean user = capa.isEmpty() || capa.stream().anyMatch(l -> l.equalsIgnoreCase("USER"));
    if (user || !sasl.contains("LOGIN")) {
      state = State.USER;
      command(new Pop3Command.User(password.user()));
      return;
    }
    state = State.AUTH_LOGIN;
    loginExchange = SaslClientExchange.create(SaslMechanism.LOGIN, password);
    command(new Pop3Command.Auth("LOGIN", null));
  }

  /** The mechanisms of CAPA's SASL line, upper case. */
  static List<String> saslMechanisms(List<String> capa) {
    for (String l : capa) {
      if (l.regionMatches(true, 0, "SASL ", 0, 5)) {
        return Words.split(l.substring(5).toUpperCase(Locale.ROOT), " \t");
      }
    }
    return List.of();
  }

  /** The reply that ends the login: +OK logs in; anything else (a stray challenge too) refuses. */
  private void loginReply(Pop3Response r) {
    if (r instanceof Status s && s.ok()) {
      outcome = new Outcome.Accepted(s);
    } else {
      outcome = new Outcome.Refused(r instanceof Status s ? s.respCode() : null);
    }
  }

  private static boolean ok(Pop3Response r) {
    return r instanceof Status s && s.ok();
  }

  /** Announces the command's response to the decoder, then writes it (flushed after the read). */
  private void command(Pop3Command cmd) {
    dialogue.expect(cmd);
    send(cmd);
  }

  private BackendConnection backend() {
    return dialogue.backend();
  }
}

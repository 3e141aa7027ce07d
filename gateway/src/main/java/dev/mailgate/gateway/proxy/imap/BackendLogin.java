package dev.mailgate.gateway.proxy.imap;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.imap.ImapLimits;
import dev.mailgate.codec.imap.ImapResponse;
import dev.mailgate.codec.imap.ImapResponseDecoder;
import dev.mailgate.codec.imap.ImapResponseFrame;
import dev.mailgate.codec.imap.ImapResponseFramer;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.codec.imap.ResponseCode;
import dev.mailgate.codec.proxy.ProxyHeader;
import dev.mailgate.codec.proxy.ProxyProtocolEncoder;
import dev.mailgate.codec.sasl.SaslClientExchange;
import dev.mailgate.codec.sasl.SaslCredentials;
import dev.mailgate.codec.sasl.SaslMechanism;
import dev.mailgate.codec.sasl.Secret;
import dev.mailgate.gateway.backend.BackendConnection;
import dev.mailgate.gateway.backend.BackendTlsMode;
import dev.mailgate.gateway.backend.LoopDialogue;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * The backend leg of a login, as an IMAP client (RFC 9051): reads the greeting, learns the
 * capabilities, upgrades with STARTTLS when the backend spec says so (RFC 2595 section 3.1),
 * conveys the client (PROXY header first, or RFC 2971 ID with Dovecot's {@code x-originating-ip}
 * family when ID is advertised), then replays the login: AUTHENTICATE PLAIN (SASL-IR when
 * advertised), AUTHENTICATE LOGIN, or LOGIN, translating the client's mechanism to what the backend
 * offers; tokens as XOAUTH2 / OAUTHBEARER. Ends with the backend's post-login capabilities (from
 * the tagged OK's CAPABILITY code, else by asking) and the bytes the backend sent after it.
 *
 * <p>Limits: responses are framed with {@link ImapLimits} (line and literal bounds); the whole
 * dialogue is bounded by a timeout. Credentials are written straight into the outbound buffer and
 * never logged.
 */
final class BackendLogin extends LoopDialogue<BackendLogin.Outcome> {

  /** How the dialogue ended. */
  sealed interface Outcome {
    /**
     * Logged in: the {@code [CAPABILITY ...]} code for the client's tagged OK (the backend's list)
     * and what the backend sent after its tagged OK (may be null).
     */
    record LoggedIn(ResponseCode capabilities, ByteBuf residual) implements Outcome {}

    /** The backend refused the credentials (tagged NO or BAD to the login). */
    record Refused(ResponseCode code, String text) implements Outcome {}

    /** The backend could not be used (greeting BYE, no STARTTLS, no common mechanism, closed). */
    record Failed(String reason) implements Outcome {}

    /**
     * A bearer token for a backend that offers no token mechanism: not a passing outage but a
     * mechanism this account cannot use, so the client should fall back to another.
     */
    record NoTokenMechanism() implements Outcome {}
  }

  private enum State { GREETING, CAPABILITY, STARTTLS, LOGIN, POST_CAPABILITY, DONE }

  private final ImapBackend route;
  private final SaslCredentials credentials;
  private final SaslMechanism clientMechanism;
  private final ClientFacts client;
  private final Map<String, String> clientId;
  private final int maxClientIdFields;
  private final ImapResponseDecoder parser;
  private final Framing framing;

  private State state = State.GREETING;
  /** The backend's capabilities; null until known. */
  private BackendCapabilities capabilities;
  private List<String> postLogin;
  private int tagCounter;
  private String tag;
  private SaslClientExchange sasl;
  private Secret pendingInitialResponse;
  private Outcome outcome;

  BackendLogin(
      BackendConnection connection, ImapBackend route, LoginRequest login, ImapLimits limits, int maxClientIdFields) {
    super(connection);
    this.route = route;
    this.credentials = login.credentials();
    this.clientMechanism = login.mechanism();
    this.client = login.client();
    this.clientId = login.clientId();
    this.maxClientIdFields = maxClientIdFields;
    this.parser = new ImapResponseDecoder(limits);
    this.framing = new Framing(() -> new ImapResponseFramer(limits));
  }

  /** The candidate this dialogue logs in to. */
  ImapBackend route() {
    return route;
  }

  /** Errors become {@link Outcome.Failed}: {@link LoopDialogue#run} itself never fails. */
  @Override
  protected Outcome failed(String reason) {
    return new Outcome.Failed(reason);
  }

  @Override
  protected void begin() {
    proxyHeader();
  }

  private void proxyHeader() {
    ClientConveyance c = route.conveyance();
    if (c != ClientConveyance.PROXY_V1 && c != ClientConveyance.PROXY_V2) {
      return;
    }
    if (connection().isTls()) {
      // The header must precede the TLS handshake, which the connector already did.
      throw new IllegalStateException("PROXY header impossible with implicit TLS");
    }
    int version = c == ClientConveyance.PROXY_V2 ? 2 : 1;
    ProxyHeader h = ProxyHeader.tcp(version, client.client(), client.local(), List.of());
    ByteBuf out = alloc().buffer(64);
    if (version == 2) {
      ProxyProtocolEncoder.writeV2(h, out);
    } else {
      ProxyProtocolEncoder.writeV1(h, out);
    }
    send(out);
  }

  /** The framer's buffers are released however the dialogue ended. */
  @Override
  protected void ended(Outcome result) {
    framing.close();
  }

  /** A login nobody receives gives back what the backend sent after its tagged OK. */
  @Override
  protected void discard(Outcome result) {
    ReferenceCountUtil.release(residualOf(result));
  }

  private static ByteBuf residualOf(Outcome o) {
    return o instanceof Outcome.LoggedIn l ? l.residual() : null;
  }

  /** One backend read: its responses advance the dialogue; the next read is asked for after. */
  @Override
  protected void onRead(Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      return;
    }
    List<Object> frames;
    try {
      frames = framing.feed(bytes.retain());
    } catch (RuntimeException e) {
      finish(new Outcome.Failed("unreadable response: " + e));
      return;
    }
    boolean handshaking = false;
    for (int i = 0; i < frames.size(); i++) {
      Object f = frames.get(i);
      if (outcome != null || handshaking) {
        ReferenceCountUtil.release(f);
        continue;
      }
      Object parsed = f instanceof ImapResponseFrame frame ? parser.parse(frame) : f;
      ReferenceCountUtil.release(f);
      ReferenceCountUtil.release(parsed);
      step(parsed);
      if (outcome instanceof Outcome.LoggedIn l) {
        // What the backend sent after its tagged OK goes to the client ahead of the relay.
        outcome = new Outcome.LoggedIn(l.capabilities(), framing.residual(frames.subList(i + 1, frames.size()), alloc()));
        break;
      }
      if (state == State.DONE && outcome == null) {
        // STARTTLS accepted: nothing the backend sent after the OK may be used (RFC 2595 3.1).
        handshaking = true;
        framing.reset();
      }
    }
    flush();
    if (outcome != null) {
      finish(outcome);
    } else if (!handshaking) {
      next();
    }
  }

  /** Advances the dialogue with one response, writing what it needs (flushed by the caller). */
  private void step(Object response) {
    if (response instanceof DecodeFailure f) {
      outcome = new Outcome.Failed("unreadable response: " + f.error());
      return;
    }
    ImapResponse r = (ImapResponse) response;
    if (r instanceof ImapResponse.Untagged u && u.status() == ImapStatus.BYE) {
      outcome = new Outcome.Failed("backend said BYE: " + u.text());
      return;
    }
    if (r instanceof ImapResponse.Capability c) {
      if (state == State.LOGIN || state == State.POST_CAPABILITY) {
        postLogin = c.capabilities();
      } else {
        capabilities = BackendCapabilities.of(c.capabilities());
      }
      return;
    }
    switch (state) {
      case GREETING -> greeting(r);
      case CAPABILITY -> afterTagged(r);
      case STARTTLS -> startTls(r);
      case LOGIN -> login(r);
      case POST_CAPABILITY -> {
        if (isMine(r)) {
          outcome = new Outcome.LoggedIn(ResponseCode.capability(postLogin == null ? List.of() : postLogin), null);
        }
      }
      default -> { }
    }
  }

  private void greeting(ImapResponse r) {
    if (!(r instanceof ImapResponse.Untagged u) || u.status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("unexpected greeting " + r);
      return;
    }
    if (u.code() != null && u.code().isCapability()) {
      capabilities = BackendCapabilities.of(u.code().arguments());
    }
    advance();
  }

  /** The tagged reply to CAPABILITY. */
  private void afterTagged(ImapResponse r) {
    if (!isMine(r)) {
      return;
    }
    if (((ImapResponse.Tagged) r).status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("CAPABILITY refused");
      return;
    }
    advance();
  }

  private void startTls(ImapResponse r) {
    if (!isMine(r)) {
      return;
    }
    if (((ImapResponse.Tagged) r).status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("STARTTLS refused");
      return;
    }
    state = State.DONE; // until the handshake is over
    capabilities = null; // RFC 2595 3.1: forget what was learnt in plaintext
    startTls(() -> {
      advance();
      return outcome;
    });
  }

  /**
   * Sends the next command the dialogue needs. ID goes out together with the login that follows
   * it: ID changes no state (RFC 2971 section 3.1), so waiting for its answer would only add a
   * round trip to every login; its tagged reply is then simply not the login's.
   */
  private void advance() {
    if (capabilities == null) {
      state = State.CAPABILITY;
      command("CAPABILITY");
      return;
    }
    if (route.backend().spec().tlsMode() == BackendTlsMode.STARTTLS && !connection().isTls()) {
      if (!capabilities.has(BackendCapabilities.STARTTLS)) {
        outcome = new Outcome.Failed("backend does not offer STARTTLS");
        return;
      }
      state = State.STARTTLS;
      command("STARTTLS");
      return;
    }
    if (route.conveyance() == ClientConveyance.IMAP_ID && capabilities.has(BackendCapabilities.ID)) {
      command("ID " + idArguments());
    }
    startLogin();
  }

  private String idArguments() {
    StringBuilder b = new StringBuilder("(");
    pair(b, "x-originating-ip", client.client().getAddress().getHostAddress());
    pair(b, "x-originating-port", Integer.toString(client.client().getPort()));
    pair(b, "x-connected-ip", client.local().getAddress().getHostAddress());
    pair(b, "x-connected-port", Integer.toString(client.local().getPort()));
    pair(b, "x-session-id", client.sessionId());
    int n = 0;
    if (clientId != null) {
      for (Map.Entry<String, String> e : clientId.entrySet()) {
        String k = e.getKey();
        // A client must not be able to claim another address: x-* fields are the gateway's.
        if (n >= maxClientIdFields || k == null || k.regionMatches(true, 0, "x-", 0, 2)
            || !ImapStrings.quotable(k) || k.length() > 30
            || (e.getValue() != null && (!ImapStrings.quotable(e.getValue()) || e.getValue().length() > 1024))) {
          continue;
        }
        pair(b, k, e.getValue());
        n++;
      }
    }
    b.setLength(b.length() - 1);
    return b.append(')').toString();
  }

  private static void pair(StringBuilder b, String key, String value) {
    b.append(ImapStrings.quote(key)).append(' ');
    b.append(value == null ? "NIL" : ImapStrings.quote(value)).append(' ');
  }

  private void startLogin() {
    state = State.LOGIN;
    SaslCredentials creds = credentials;
    MasterLogin master = route.master();
    if (master != null && creds instanceof SaslCredentials.Password p) {
      creds = new SaslCredentials.Password("", master.loginName(p.user()), master.password());
    }
    SaslMechanism mech = mechanism(creds);
    if (mech == null) {
      if (creds instanceof SaslCredentials.Password p && !capabilities.has(BackendCapabilities.LOGINDISABLED)) {
        loginCommand(p);
        return;
      }
      outcome = creds instanceof SaslCredentials.Token
          ? new Outcome.NoTokenMechanism()
          : new Outcome.Failed("no login mechanism in common with the backend");
      return;
    }
    sasl = SaslClientExchange.create(mech, creds);
    Secret ir = sasl.initialResponse();
    tag = nextTag();
    ByteBuf out = alloc().buffer(64);
    ImapStrings.ascii(out, tag + " AUTHENTICATE " + mech.wire());
    if (ir != null && capabilities.has(BackendCapabilities.SASL_IR)) {
      out.writeByte(' ');
      out.writeBytes(ir.bytes());
    } else {
      pendingInitialResponse = ir;
    }
    out.writeByte('\r').writeByte('\n');
    send(out);
  }

  /** The mechanism to replay with: the client's when offered, else a translation; null for LOGIN. */
  private SaslMechanism mechanism(SaslCredentials creds) {
    if (clientMechanism != null && replayable(clientMechanism, creds)) {
      return clientMechanism;
    }
    boolean password = creds instanceof SaslCredentials.Password;
    SaslMechanism first = password ? SaslMechanism.PLAIN : SaslMechanism.OAUTHBEARER;
    SaslMechanism second = password ? SaslMechanism.LOGIN : SaslMechanism.XOAUTH2;
    if (replayable(first, creds)) {
      return first;
    }
    return replayable(second, creds) ? second : null;
  }

  private boolean replayable(SaslMechanism m, SaslCredentials creds) {
    return capabilities.offers(m) && SaslClientExchange.canReplay(creds, m);
  }

  private void loginCommand(SaslCredentials.Password p) {
    tag = nextTag();
    boolean literalPlus = capabilities.has(BackendCapabilities.LITERAL_PLUS);
    ByteBuf out = alloc().buffer(64);
    ImapStrings.ascii(out, tag + " LOGIN ");
    boolean written =
        ImapStrings.writeAstring(out, p.user().getBytes(java.nio.charset.StandardCharsets.UTF_8), literalPlus);
    if (written) {
      out.writeByte(' ');
      written = ImapStrings.writeAstring(out, p.password().bytes(), literalPlus);
    }
    if (!written) {
      out.release();
      outcome = new Outcome.Failed("credentials need literals the backend does not take without a round trip");
      return;
    }
    out.writeByte('\r').writeByte('\n');
    send(out);
  }

  private void login(ImapResponse r) {
    if (r instanceof ImapResponse.Continuation c) {
      if (sasl == null) {
        outcome = new Outcome.Failed("unexpected continuation");
        return;
      }
      Secret line = pendingInitialResponse != null ? pendingInitialResponse : sasl.respond(c.text());
      pendingInitialResponse = null;
      ByteBuf out = alloc().buffer(line.length() + 2);
      out.writeBytes(line.bytes()).writeByte('\r').writeByte('\n');
      send(out);
      return;
    }
    if (!isMine(r)) {
      return;
    }
    ImapResponse.Tagged t = (ImapResponse.Tagged) r;
    if (t.status() != ImapStatus.OK) {
      outcome = new Outcome.Refused(t.code(), t.text());
      return;
    }
    if (t.code() != null && t.code().isCapability()) {
      // The code's own text keeps the backend's spelling (IMAP4rev1), which clients may compare.
      outcome = new Outcome.LoggedIn(forClient(t.code()), null);
      return;
    }
    if (postLogin != null) {
      outcome = new Outcome.LoggedIn(ResponseCode.capability(postLogin), null);
      return;
    }
    state = State.POST_CAPABILITY;
    command("CAPABILITY");
  }

  /**
   * The backend's {@code [CAPABILITY ...]} code as the client gets it: {@code CAPABILITY} and the
   * names one space apart. A list already written so (Dovecot's) is passed on as it is, not split
   * into names and joined again on every login.
   */
  static ResponseCode forClient(ResponseCode code) {
    String args = code.arguments();
    if (code.atom().equals("CAPABILITY") && args != null
        && !args.startsWith(" ") && !args.endsWith(" ") && !args.contains("  ")) {
      return code;
    }
    return ResponseCode.capability(args == null ? List.of() : ResponseCode.atoms(args));
  }

  private boolean isMine(ImapResponse r) {
    return r instanceof ImapResponse.Tagged t && t.tag().equals(tag);
  }

  private void command(String text) {
    tag = nextTag();
    ByteBuf out = alloc().buffer(text.length() + 16);
    ImapStrings.ascii(out, tag + " " + text + "\r\n");
    send(out);
  }

  private String nextTag() {
    return "mg" + (++tagCounter);
  }
}

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
import dev.mailgate.gateway.net.ChannelWrites;
import dev.mailgate.gateway.net.LoopTimers;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

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
final class BackendLogin {

  /** How the dialogue ended. */
  sealed interface Outcome {
    /** Logged in: the backend's capabilities and what it sent after the tagged OK (may be null). */
    record LoggedIn(List<String> capabilities, ByteBuf residual) implements Outcome {}

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

  /** Splits a CAPABILITY code's atoms; compiled once, not by {@code String.split} on every login. */
  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" +");

  private enum State { GREETING, CAPABILITY, STARTTLS, ID, LOGIN, POST_CAPABILITY, DONE }

  private final BackendConnection connection;
  private final ImapBackend route;
  private final SaslCredentials credentials;
  private final SaslMechanism clientMechanism;
  private final ClientFacts client;
  private final Map<String, String> clientId;
  private final int maxClientIdFields;
  private final ImapResponseDecoder parser;
  private final Framing framing;

  private State state = State.GREETING;
  private Set<String> capabilities;
  private List<String> postLogin;
  private boolean idSent;
  private int tagCounter;
  private String tag;
  private SaslClientExchange sasl;
  private Secret pendingInitialResponse;
  private Outcome outcome;

  BackendLogin(
      BackendConnection connection, ImapBackend route, LoginRequest login, ImapLimits limits, int maxClientIdFields) {
    this.connection = connection;
    this.route = route;
    this.credentials = login.credentials();
    this.clientMechanism = login.mechanism();
    this.client = login.client();
    this.clientId = login.clientId();
    this.maxClientIdFields = maxClientIdFields;
    this.parser = new ImapResponseDecoder(limits);
    this.framing = new Framing(() -> new ImapResponseFramer(limits));
  }

  /**
   * Runs the dialogue; never fails (errors become {@link Outcome.Failed}). The backend's first bytes
   * must come within its greeting timeout ({@link dev.mailgate.gateway.backend.BackendSpec#handshakeTimeout()}),
   * the whole dialogue within {@code timeout}.
   */
  Mono<Outcome> run(Duration timeout) {
    Duration greeting = connection.backend().spec().handshakeTimeout();
    Scheduler timers = LoopTimers.of(connection.connection().channel());
    return proxyHeader()
        .thenMany(connection.receive()
            .timeout(Mono.delay(greeting, timers), first -> Mono.never())
            .concatMap(this::onRead, 0))
        .next()
        .switchIfEmpty(Mono.fromSupplier(() -> new Outcome.Failed("backend closed the connection")))
        .timeout(timeout, Mono.fromSupplier(() -> new Outcome.Failed("backend login timed out")), timers)
        .onErrorResume(e -> Mono.just(new Outcome.Failed(e.toString())))
        .doFinally(s -> framing.close());
  }

  private Mono<Void> proxyHeader() {
    ClientConveyance c = route.conveyance();
    if (c != ClientConveyance.PROXY_V1 && c != ClientConveyance.PROXY_V2) {
      return Mono.empty();
    }
    if (connection.isTls()) {
      // The header must precede the TLS handshake, which the connector already did.
      return Mono.error(new IllegalStateException("PROXY header impossible with implicit TLS"));
    }
    int version = c == ClientConveyance.PROXY_V2 ? 2 : 1;
    ProxyHeader h = ProxyHeader.tcp(version, client.client(), client.local(), List.of());
    ByteBuf out = connection.connection().channel().alloc().buffer(64);
    if (version == 2) {
      ProxyProtocolEncoder.writeV2(h, out);
    } else {
      ProxyProtocolEncoder.writeV1(h, out);
    }
    return send(out);
  }

  private Mono<Outcome> onRead(Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      return Mono.empty();
    }
    List<Object> frames = framing.feed(bytes.retain());
    Mono<Void> actions = Mono.empty();
    for (int i = 0; i < frames.size(); i++) {
      Object f = frames.get(i);
      if (outcome instanceof Outcome.LoggedIn) {
        // What the backend sent after its tagged OK goes to the client ahead of the relay.
        List<Object> rest = new ArrayList<>(frames.subList(i, frames.size()));
        ByteBuf residual = framing.residual(rest, connection.connection().channel().alloc());
        outcome = new Outcome.LoggedIn(((Outcome.LoggedIn) outcome).capabilities(), residual);
        return actions.thenReturn(outcome);
      }
      if (outcome != null || state == State.DONE) {
        ReferenceCountUtil.release(f);
        continue;
      }
      Object parsed = f instanceof ImapResponseFrame frame ? parser.parse(frame) : f;
      ReferenceCountUtil.release(f);
      ReferenceCountUtil.release(parsed);
      Mono<Void> action = step(parsed);
      if (action != null) {
        actions = actions.then(action);
      }
      if (state == State.DONE && outcome == null) {
        // STARTTLS accepted: nothing the backend sent after the OK may be used (RFC 2595 3.1).
        for (int j = i + 1; j < frames.size(); j++) {
          ReferenceCountUtil.release(frames.get(j));
        }
        framing.reset();
        return actions.then(Mono.empty());
      }
    }
    if (outcome instanceof Outcome.LoggedIn l) {
      outcome = new Outcome.LoggedIn(l.capabilities(), framing.residual(List.of(), connection.connection().channel().alloc()));
    }
    return outcome == null ? actions.then(Mono.empty()) : actions.thenReturn(outcome);
  }

  /** Advances the dialogue with one response; returns what to do (write, TLS) or null. */
  private Mono<Void> step(Object response) {
    if (response instanceof DecodeFailure f) {
      outcome = new Outcome.Failed("unreadable response: " + f.error());
      return null;
    }
    ImapResponse r = (ImapResponse) response;
    if (r instanceof ImapResponse.Untagged u && u.status() == ImapStatus.BYE) {
      outcome = new Outcome.Failed("backend said BYE: " + u.text());
      return null;
    }
    if (r instanceof ImapResponse.Capability c) {
      if (state == State.LOGIN || state == State.POST_CAPABILITY) {
        postLogin = c.capabilities();
      } else {
        capabilities = Set.copyOf(c.capabilities());
      }
      return null;
    }
    switch (state) {
      case GREETING:
        return greeting(r);
      case CAPABILITY:
      case ID:
        return afterTagged(r, state == State.CAPABILITY);
      case STARTTLS:
        return startTls(r);
      case LOGIN:
        return login(r);
      case POST_CAPABILITY:
        if (isMine(r)) {
          outcome = new Outcome.LoggedIn(postLogin == null ? List.of() : postLogin, null);
        }
        return null;
      default:
        return null;
    }
  }

  private Mono<Void> greeting(ImapResponse r) {
    if (!(r instanceof ImapResponse.Untagged u) || u.status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("unexpected greeting " + r);
      return null;
    }
    if (u.code() != null && u.code().isCapability()) {
      capabilities = Set.copyOf(u.code().capabilities());
    }
    return advance();
  }

  private Mono<Void> afterTagged(ImapResponse r, boolean mustSucceed) {
    if (!isMine(r)) {
      return null;
    }
    if (mustSucceed && ((ImapResponse.Tagged) r).status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("CAPABILITY refused");
      return null;
    }
    return advance();
  }

  private Mono<Void> startTls(ImapResponse r) {
    if (!isMine(r)) {
      return null;
    }
    if (((ImapResponse.Tagged) r).status() != ImapStatus.OK) {
      outcome = new Outcome.Failed("STARTTLS refused");
      return null;
    }
    state = State.DONE; // until the handshake is over
    capabilities = null; // RFC 2595 3.1: forget what was learnt in plaintext
    return connection.startTls().then(Mono.defer(() -> {
      Mono<Void> next = advance();
      return next == null ? Mono.empty() : next;
    }));
  }

  /** Sends the next command the dialogue needs. */
  private Mono<Void> advance() {
    if (capabilities == null) {
      state = State.CAPABILITY;
      return command("CAPABILITY");
    }
    if (route.backend().spec().tlsMode() == BackendTlsMode.STARTTLS && !connection.isTls()) {
      if (!capabilities.contains("STARTTLS")) {
        outcome = new Outcome.Failed("backend does not offer STARTTLS");
        return null;
      }
      state = State.STARTTLS;
      return command("STARTTLS");
    }
    if (route.conveyance() == ClientConveyance.IMAP_ID && !idSent && capabilities.contains("ID")) {
      idSent = true;
      state = State.ID;
      return command("ID " + idArguments());
    }
    return startLogin();
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

  private Mono<Void> startLogin() {
    state = State.LOGIN;
    SaslCredentials creds = credentials;
    MasterLogin master = route.master();
    if (master != null && creds instanceof SaslCredentials.Password p) {
      creds = new SaslCredentials.Password("", master.loginName(p.user()), master.password());
    }
    SaslMechanism mech = mechanism(creds);
    if (mech == null) {
      if (creds instanceof SaslCredentials.Password p && !capabilities.contains("LOGINDISABLED")) {
        return loginCommand(p);
      }
      outcome = creds instanceof SaslCredentials.Token
          ? new Outcome.NoTokenMechanism()
          : new Outcome.Failed("no login mechanism in common with the backend");
      return null;
    }
    sasl = SaslClientExchange.create(mech, creds);
    Secret ir = sasl.initialResponse();
    tag = nextTag();
    ByteBuf out = alloc().buffer(64);
    ImapStrings.ascii(out, tag + " AUTHENTICATE " + mech.wire());
    if (ir != null && capabilities.contains("SASL-IR")) {
      out.writeByte(' ');
      out.writeBytes(ir.bytes());
    } else {
      pendingInitialResponse = ir;
    }
    out.writeByte('\r').writeByte('\n');
    return send(out);
  }

  /** The mechanism to replay with: the client's when offered, else a translation; null for LOGIN. */
  private SaslMechanism mechanism(SaslCredentials creds) {
    List<SaslMechanism> order = new ArrayList<>(4);
    if (clientMechanism != null) {
      order.add(clientMechanism);
    }
    if (creds instanceof SaslCredentials.Password) {
      order.add(SaslMechanism.PLAIN);
      order.add(SaslMechanism.LOGIN);
    } else {
      order.add(SaslMechanism.OAUTHBEARER);
      order.add(SaslMechanism.XOAUTH2);
    }
    for (SaslMechanism m : order) {
      if (capabilities.contains("AUTH=" + m.wire()) && SaslClientExchange.canReplay(creds, m)) {
        return m;
      }
    }
    return null;
  }

  private Mono<Void> loginCommand(SaslCredentials.Password p) {
    tag = nextTag();
    boolean literalPlus = capabilities.contains("LITERAL+");
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
      return null;
    }
    out.writeByte('\r').writeByte('\n');
    return send(out);
  }

  private Mono<Void> login(ImapResponse r) {
    if (r instanceof ImapResponse.Continuation c) {
      if (sasl == null) {
        outcome = new Outcome.Failed("unexpected continuation");
        return null;
      }
      Secret line = pendingInitialResponse != null ? pendingInitialResponse : sasl.respond(c.text());
      pendingInitialResponse = null;
      ByteBuf out = alloc().buffer(line.length() + 2);
      out.writeBytes(line.bytes()).writeByte('\r').writeByte('\n');
      return send(out);
    }
    if (!isMine(r)) {
      return null;
    }
    ImapResponse.Tagged t = (ImapResponse.Tagged) r;
    if (t.status() != ImapStatus.OK) {
      outcome = new Outcome.Refused(t.code(), t.text());
      return null;
    }
    if (t.code() != null && t.code().isCapability()) {
      // The code's own text keeps the backend's spelling (IMAP4rev1), which clients may compare.
      outcome = new Outcome.LoggedIn(List.of(SPACES.split(t.code().arguments().trim())), null);
      return null;
    }
    if (postLogin != null) {
      outcome = new Outcome.LoggedIn(postLogin, null);
      return null;
    }
    state = State.POST_CAPABILITY;
    return command("CAPABILITY");
  }

  private boolean isMine(ImapResponse r) {
    return r instanceof ImapResponse.Tagged t && t.tag().equals(tag);
  }

  private Mono<Void> command(String text) {
    tag = nextTag();
    ByteBuf out = alloc().buffer(text.length() + 16);
    ImapStrings.ascii(out, tag + " " + text + "\r\n");
    return send(out);
  }

  private String nextTag() {
    return "mg" + (++tagCounter);
  }

  private io.netty.buffer.ByteBufAllocator alloc() {
    return connection.connection().channel().alloc();
  }

  private Mono<Void> send(ByteBuf out) {
    return ChannelWrites.write(connection.connection().channel(), out);
  }
}

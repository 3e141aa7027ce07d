package dev.mailgate.gateway.proxy.smtp;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpCommand;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.backend.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The relay sink of one client session (DESIGN.md "SMTP is relayed per transaction"): the backend
 * session opens at the first recipient of the first transaction (the route is known by then) and is
 * reused for the client's next transactions (RSET between them); {@link #close()} sends QUIT.
 * MAIL and the first RCPT go in one write when the backend has PIPELINING. Every reply the client
 * gets is the backend's, or a 4xx of {@link BackendReplies} when the backend is unreachable or
 * fails: never a 250 it did not give. Not thread-safe: one transaction at a time, as SMTP has.
 */
public final class BackendRelaySink implements RelaySink {

  private final BackendSmtpClient client;
  private final List<Backend> candidates;
  private final BackendLogin login;
  private SmtpTransactionClient session;

  /**
   * @param client opens backend sessions
   * @param candidates the route's backends in failover order
   * @param login AUTH towards the backend, or {@code null}
   */
  public BackendRelaySink(BackendSmtpClient client, List<Backend> candidates, BackendLogin login) {
    this.client = client;
    this.candidates = List.copyOf(candidates);
    this.login = login;
  }

  @Override
  public Transaction begin(RelayEnvelope envelope) {
    return new BackendTransaction(envelope);
  }

  /** QUIT to the backend, if a session is open. */
  public Mono<Void> close() {
    SmtpTransactionClient s = session;
    session = null;
    return s == null ? Mono.empty() : s.quit();
  }

  /** The open backend session, or {@code null} (for tests proving reuse). */
  SmtpTransactionClient currentSession() {
    return session;
  }

  private Mono<SmtpTransactionClient> session(ClientFacts facts) {
    if (session != null && session.usable()) {
      return Mono.just(session);
    }
    return client.open(candidates, facts, login).doOnNext(s -> session = s);
  }

  private final class BackendTransaction implements Transaction {
    private final RelayEnvelope envelope;
    private SmtpTransactionClient tx;
    private SmtpReply mailRefused;
    private boolean anyAccepted;
    private boolean delivering;

    BackendTransaction(RelayEnvelope envelope) {
      this.envelope = envelope;
    }

    @Override
    public Mono<SmtpReply> recipient(SmtpPath recipient, RcptParameters parameters) {
      SmtpCommand.Rcpt rcpt = new SmtpCommand.Rcpt(recipient, parameters);
      if (mailRefused != null) {
        return Mono.just(mailRefused);
      }
      if (tx != null) {
        return tx.recipient(rcpt).doOnNext(this::note);
      }
      if (envelope.parameters().body() == MailParameters.Body.BINARYMIME) {
        // deliver() carries content as DATA; BINARYMIME needs BDAT end to end.
        return Mono.just(mailRefused = BackendReplies.NO_CONVERSION);
      }
      SmtpCommand.Mail mail = new SmtpCommand.Mail(envelope.sender(), envelope.parameters());
      return session(envelope.facts())
          .flatMap(s -> {
            tx = s;
            return s.envelope(mail, List.of(rcpt));
          })
          .map(env -> {
            if (!env.mail().isPositive()) {
              mailRefused = env.mail();
              return env.mail();
            }
            SmtpReply r = env.recipients().get(0);
            note(r);
            return r;
          })
          .onErrorResume(e -> Mono.just(BackendReplies.forOpenFailure(e)));
    }

    private void note(SmtpReply reply) {
      anyAccepted |= reply.isPositive();
    }

    @Override
    public Mono<SmtpReply> deliver(Flux<ByteBuf> content) {
      if (tx == null || !anyAccepted) {
        return content.doOnNext(ReferenceCountUtil::release).then(Mono.just(BackendReplies.NO_RECIPIENTS));
      }
      delivering = true;
      return tx.message(content).doFinally(s -> delivering = false);
    }

    @Override
    public Mono<Void> abort() {
      if (tx != null && delivering) {
        tx.abort(); // mid-content: only closing keeps the backend from taking a partial message
      }
      return Mono.empty();
    }
  }
}

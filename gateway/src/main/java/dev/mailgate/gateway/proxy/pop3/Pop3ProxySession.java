package dev.mailgate.gateway.proxy.pop3;

import dev.mailgate.codec.pop3.Pop3Response.Status;
import dev.mailgate.gateway.net.EventLoops;
import dev.mailgate.gateway.net.SessionContext;
import dev.mailgate.gateway.pop3.Pop3Goodbye;
import dev.mailgate.gateway.pop3.Pop3PreLogin;
import dev.mailgate.gateway.pop3.Pop3Wire;
import io.netty.channel.EventLoop;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One client's POP3 proxy session up to its login (RFC 1939 AUTHORIZATION state), as event-loop
 * code: the greeting written straight to the channel, then one subscriber on the session's inbound
 * asking for one message at a time, each handed to {@link Pop3PreLogin} and the next asked for once
 * its outcome is in, as {@code concatMap(handle, 0)} would but without a Mono, an inner subscriber
 * and a loop task per command. A kick or a drain meanwhile waits for the command being answered
 * ({@link Pop3Goodbye}).
 *
 * <p>Ends with the logged-in backend (the inbound subscription cancelled, so the relay continues
 * where it stopped), or empty when the session ended first (QUIT, too many errors, a failed TLS
 * handshake, the client gone). Cancelling it cancels the login in flight; a backend whose login
 * completes after the end is closed.
 */
final class Pop3ProxySession implements CoreSubscriber<Object>, Pop3PreLogin.Outcomes<BackendDialogue> {

  private final Pop3Wire wire;
  private final SessionContext context;
  private final Pop3PreLogin<BackendDialogue> preLogin;
  private final Pop3Goodbye goodbye;
  /** The connection's event loop, kept: a closed channel no longer answers eventLoop(). */
  private final EventLoop loop;
  private MonoSink<BackendDialogue> sink;
  private Subscription inbound;
  /** A message is being handled: its outcome is awaited. */
  private boolean handling;
  /** The inbound completed while a message was being handled. */
  private boolean inboundDone;
  /** The dialogue is over (logged in, closed, failed or cancelled): nothing more is read. */
  private boolean over;

  Pop3ProxySession(Pop3Wire wire, Pop3PreLogin<BackendDialogue> preLogin, Pop3Goodbye goodbye) {
    this.wire = wire;
    this.context = wire.context();
    this.preLogin = preLogin;
    this.goodbye = goodbye;
    this.loop = wire.connection().channel().eventLoop();
  }

  /** Greets with {@code greeting} and answers the AUTHORIZATION state; emits the logged-in backend. */
  Mono<BackendDialogue> login(Status greeting) {
    return Mono.create(s -> {
      s.onCancel(() -> EventLoops.run(loop, this::cancelled));
      EventLoops.run(loop, () -> start(s, greeting));
    });
  }

  private void start(MonoSink<BackendDialogue> s, Status greeting) {
    if (over) {
      return; // cancelled before it began
    }
    sink = s;
    wire.write(greeting);
    context.receiveObject().subscribe(this);
  }

  @Override
  public void onSubscribe(Subscription s) {
    inbound = s;
    if (over) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  /** One inbound message, on the event loop. */
  @Override
  public void onNext(Object msg) {
    if (over) {
      return; // reactor-netty releases it after this returns
    }
    handling = true;
    goodbye.handling();
    preLogin.handle(msg, this);
  }

  @Override
  public void outcome(Pop3PreLogin.Outcome<BackendDialogue> outcome) {
    if (loop.inEventLoop()) {
      settle(outcome);
    } else {
      loop.execute(() -> settle(outcome)); // a login checked on another thread
    }
  }

  private void settle(Pop3PreLogin.Outcome<BackendDialogue> outcome) {
    handling = false;
    boolean goesOn = outcome instanceof Pop3PreLogin.Outcome.Continue;
    goodbye.handled(!goesOn);
    if (over) {
      if (outcome instanceof Pop3PreLogin.Outcome.LoggedIn<BackendDialogue> in) {
        in.value().backend().close(); // the session ended while the login was checked
      }
      return;
    }
    if (goesOn) {
      if (inboundDone) {
        end();
      } else {
        inbound.request(1);
      }
      return;
    }
    over = true;
    inbound.cancel(); // the relay continues the same inbound from here
    if (outcome instanceof Pop3PreLogin.Outcome.LoggedIn<BackendDialogue> in) {
      sink.success(in.value());
    } else {
      sink.success();
    }
  }

  @Override
  public void failed(Throwable error) {
    EventLoops.run(loop, () -> {
      handling = false;
      goodbye.handled(true);
      if (!over) {
        over = true;
        inbound.cancel();
        sink.error(error);
      }
    });
  }

  @Override
  public void onError(Throwable t) {
    EventLoops.run(loop, () -> {
      if (!over) {
        over = true;
        preLogin.cancel();
        sink.error(t);
      }
    });
  }

  /** The client is gone; a command being handled still gets its outcome (a login its relay). */
  @Override
  public void onComplete() {
    EventLoops.run(loop, () -> {
      if (handling) {
        inboundDone = true;
      } else {
        end();
      }
    });
  }

  private void end() {
    if (!over) {
      over = true;
      sink.success();
    }
  }

  private void cancelled() {
    over = true;
    if (inbound != null) {
      inbound.cancel();
    }
    preLogin.cancel();
  }
}

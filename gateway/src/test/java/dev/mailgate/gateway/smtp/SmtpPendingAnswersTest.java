package dev.mailgate.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.RcptParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import dev.mailgate.codec.smtp.SmtpReply;
import dev.mailgate.gateway.net.ListenerBinding;
import dev.mailgate.gateway.net.ListenerSpec;
import dev.mailgate.gateway.net.Protocol;
import dev.mailgate.gateway.net.RunningListener;
import dev.mailgate.gateway.net.TlsMode;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The session answers a command at once when nothing is looked up, and waits when an answer is
 * pending (a sink's recipient verdict, a domain lookup, the sink's final reply): the commands the
 * client pipelined behind it wait in the socket and are answered after it, in order (RFC 2920).
 * Answers come from the test's thread, off the session's event loop.
 */
class SmtpPendingAnswersTest {
  @TempDir static Path dir;
  static SmtpTestServer server;

  /** Every recipient verdict and final reply is pending until the test gives it. */
  static final class PendingSink implements TransactionSink {
    final LinkedBlockingQueue<Sinks.One<RecipientVerdict>> verdicts = new LinkedBlockingQueue<>();
    final Function<Flux<ByteBuf>, Mono<SmtpReply>> delivery;

    PendingSink(Function<Flux<ByteBuf>, Mono<SmtpReply>> delivery) {
      this.delivery = delivery;
    }

    @Override
    public Transaction begin(Envelope envelope) {
      return new Transaction() {
        @Override
        public Mono<RecipientVerdict> recipient(SmtpPath recipient, RcptParameters parameters) {
          Sinks.One<RecipientVerdict> v = Sinks.one();
          verdicts.add(v);
          return v.asMono();
        }

        @Override
        public Mono<SmtpReply> deliver(Flux<ByteBuf> content) {
          return delivery.apply(content);
        }

        @Override
        public Mono<Void> abort() {
          return Mono.empty();
        }
      };
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = SmtpTestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  RunningListener listen(String name, LocalDomains domains, TransactionSink sink) {
    SmtpServerHandler handler = new SmtpServerHandler(SmtpServerSettings.defaults(SmtpTestServer.HOST),
        server.tls, server.users, domains, sink, null);
    return server.registry.start(
        ListenerSpec.of(name, Protocol.SMTP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE),
        ListenerBinding.of(handler, null)).block();
  }

  static Mono<SmtpReply> consumeThen(Flux<ByteBuf> content, Mono<SmtpReply> reply) {
    return content.doOnNext(ByteBuf::release).then(reply);
  }

  @Test
  void aPipelinedGroupWaitsForEachPendingVerdictAndIsAnsweredInOrder() throws Exception {
    PendingSink sink = new PendingSink(c -> consumeThen(c, Mono.just(SmtpReply.of(250, "2.0.0", "queued"))));
    RunningListener l = listen("pending-rcpt", LocalDomains.of(d -> true), sink);
    try (SmtpWire w = new SmtpWire(l.port())) {
      w.expect("220 .*");
      w.send("EHLO c.example\r\n");
      w.expect("250-.*");
      w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<x@example.test>\r\nRCPT TO:<y@example.test>\r\nNOOP\r\n");
      w.expect("250 2\\.1\\.0 .*"); // MAIL: answered here, at once
      CompletableFuture<String> next = nextReply(w);
      Sinks.One<RecipientVerdict> first = sink.verdicts.poll(5, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      SmtpSinkContractTest.assertThatNoReplyWithin(next, Duration.ofMillis(300));
      assertThat(sink.verdicts).as("the second RCPT waits in the socket").isEmpty();

      first.tryEmitValue(RecipientVerdict.accepted());
      assertThat(next.get(5, TimeUnit.SECONDS)).startsWith("250 ");
      next = nextReply(w);
      Sinks.One<RecipientVerdict> second = sink.verdicts.poll(5, TimeUnit.SECONDS);
      assertThat(second).isNotNull();
      SmtpSinkContractTest.assertThatNoReplyWithin(next, Duration.ofMillis(300));

      second.tryEmitValue(RecipientVerdict.refused(SmtpReply.of(550, "5.1.1", "no such user")));
      assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("550 5.1.1 no such user");
      w.expect("250 2\\.0\\.0 OK"); // the NOOP, last
    } finally {
      server.registry.stop("pending-rcpt", Duration.ZERO).block();
    }
  }

  @Test
  void aPendingDomainLookupHoldsBackTheCommandsPipelinedAfterIt() throws Exception {
    LinkedBlockingQueue<Sinks.One<Boolean>> lookups = new LinkedBlockingQueue<>();
    LocalDomains slow = domain -> {
      Sinks.One<Boolean> answer = Sinks.one();
      lookups.add(answer);
      return answer.asMono();
    };
    PendingSink sink = new PendingSink(c -> consumeThen(c, Mono.just(SmtpReply.of(250, "2.0.0", "queued"))));
    RunningListener l = listen("pending-domain", slow, sink);
    try (SmtpWire w = new SmtpWire(l.port())) {
      w.expect("220 .*");
      w.send("EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<x@example.test>\r\nNOOP\r\nRSET\r\n");
      w.expect("250-.*");
      w.expect("250 2\\.1\\.0 .*");
      CompletableFuture<String> next = nextReply(w);
      Sinks.One<Boolean> lookup = lookups.poll(5, TimeUnit.SECONDS);
      assertThat(lookup).isNotNull();
      SmtpSinkContractTest.assertThatNoReplyWithin(next, Duration.ofMillis(300));

      lookup.tryEmitValue(false); // not local, and the client has not logged in: no relay
      assertThat(next.get(5, TimeUnit.SECONDS)).startsWith("554 5.7.1");
      w.expect("250 2\\.0\\.0 OK");
      w.expect("250 2\\.0\\.0 .*");
      assertThat(sink.verdicts).isEmpty();
    } finally {
      server.registry.stop("pending-domain", Duration.ZERO).block();
    }
  }

  @Test
  void aFinalReplyGivenAsTheContentEndsIsSentAtOnceAndThePipelinedNoopFollowsIt() throws Exception {
    // the sink answers on the session's loop while the session completes the content: the reply is
    // there before the session asks for it
    PendingSink sink = new PendingSink(c -> c.doOnNext(ByteBuf::release)
        .then(Mono.just(SmtpReply.of(250, "2.0.0", "taken at once"))));
    RunningListener l = listen("ready-reply", LocalDomains.of(d -> true), sink);
    try (SmtpWire w = new SmtpWire(l.port())) {
      w.expect("220 .*");
      w.send("EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<x@example.test>\r\n");
      w.expect("250-.*");
      w.expect("250 .*");
      sink.verdicts.poll(5, TimeUnit.SECONDS).tryEmitValue(RecipientVerdict.accepted());
      w.expect("250 .*");
      w.send("DATA\r\n");
      w.expect("354 .*");
      w.send("Subject: x\r\n\r\nhello\r\n.\r\nNOOP\r\nQUIT\r\n");
      w.expect("250 2\\.0\\.0 taken at once");
      w.expect("250 2\\.0\\.0 OK");
      w.expect("221 .*");
    } finally {
      server.registry.stop("ready-reply", Duration.ZERO).block();
    }
  }

  @Test
  void aSinkThatFailsOrEndsWithoutAReplyGetsTheClientA4xxNeverA250() throws Exception {
    LinkedBlockingQueue<Sinks.One<SmtpReply>> replies = new LinkedBlockingQueue<>();
    PendingSink sink = new PendingSink(c -> {
      Sinks.One<SmtpReply> r = Sinks.one();
      replies.add(r);
      return consumeThen(c, r.asMono());
    });
    RunningListener l = listen("failing-sink", LocalDomains.of(d -> true), sink);
    try (SmtpWire w = new SmtpWire(l.port())) {
      w.expect("220 .*");
      w.send("EHLO c.example\r\n");
      w.expect("250-.*");
      for (int i = 0; i < 2; i++) {
        w.send("MAIL FROM:<a@c.example>\r\nRCPT TO:<x@example.test>\r\n");
        w.expect("250 .*");
        sink.verdicts.poll(5, TimeUnit.SECONDS).tryEmitValue(RecipientVerdict.accepted());
        w.expect("250 .*");
        w.send("DATA\r\n");
        w.expect("354 .*");
        w.send("Subject: x\r\n\r\nhello\r\n.\r\nNOOP\r\n");
        CompletableFuture<String> next = nextReply(w);
        Sinks.One<SmtpReply> r = replies.poll(5, TimeUnit.SECONDS);
        SmtpSinkContractTest.assertThatNoReplyWithin(next, Duration.ofMillis(200));
        if (i == 0) {
          r.tryEmitError(new IllegalStateException("disk gone"));
        } else {
          r.tryEmitEmpty();
        }
        assertThat(next.get(5, TimeUnit.SECONDS)).matches("4\\d\\d .*");
        w.expect("250 2\\.0\\.0 OK");
      }
    } finally {
      server.registry.stop("failing-sink", Duration.ZERO).block();
    }
  }

  private static CompletableFuture<String> nextReply(SmtpWire w) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return w.reply();
      } catch (Exception e) {
        return e.toString();
      }
    });
  }
}

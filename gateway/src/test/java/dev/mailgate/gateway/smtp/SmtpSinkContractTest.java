package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The session against a scripted {@link TransactionSink}: the final reply waits for the sink, and
 * a sink that stops requesting stops the session from reading the client's socket.
 */
class SmtpSinkContractTest {
  @TempDir static Path dir;
  static SmtpTestServer server;

  /** Accepts every recipient; takes content only as the test requests it; replies when told. */
  static final class ScriptedSink implements TransactionSink {
    final AtomicReference<BaseSubscriber<ByteBuf>> reader = new AtomicReference<>();
    final AtomicLong bytes = new AtomicLong();
    final Sinks.One<SmtpReply> reply = Sinks.one();
    final CompletableFuture<Throwable> contentEnd = new CompletableFuture<>();
    final CompletableFuture<SessionFacts> ended = new CompletableFuture<>();
    final long initialRequest;

    ScriptedSink(long initialRequest) {
      this.initialRequest = initialRequest;
    }

    @Override
    public Transaction begin(Envelope envelope) {
      return new Transaction() {
        @Override
        public Mono<RecipientVerdict> recipient(SmtpPath recipient, RcptParameters parameters) {
          return Mono.just(RecipientVerdict.accepted());
        }

        @Override
        public Mono<SmtpReply> deliver(Flux<ByteBuf> content) {
          BaseSubscriber<ByteBuf> s = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
              request(initialRequest);
            }

            @Override
            protected void hookOnNext(ByteBuf b) {
              bytes.addAndGet(b.readableBytes());
              b.release();
            }

            @Override
            protected void hookOnComplete() {
              contentEnd.complete(null);
            }

            @Override
            protected void hookOnError(Throwable t) {
              contentEnd.complete(t);
            }
          };
          reader.set(s);
          content.subscribe(s);
          return reply.asMono();
        }

        @Override
        public Mono<Void> abort() {
          return Mono.empty();
        }
      };
    }

    @Override
    public void sessionEnded(SessionFacts session) {
      ended.complete(session);
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

  RunningListener listen(String name, TransactionSink sink) {
    SmtpServerHandler handler = new SmtpServerHandler(SmtpServerSettings.defaults(SmtpTestServer.HOST)
        .withLimits(dev.mailgate.codec.smtp.SmtpLimits.DEFAULTS.withMaxDataSize(1L << 30)),
        server.tls, server.users, LocalDomains.of(d -> true), sink, null);
    return server.registry.start(
        ListenerSpec.of(name, Protocol.SMTP, new InetSocketAddress("127.0.0.1", 0), TlsMode.NONE),
        ListenerBinding.of(handler, null)).block();
  }

  static SmtpWire transactionUpToData(RunningListener l) throws Exception {
    SmtpWire w = new SmtpWire(l.port());
    w.expect("220 .*");
    w.send("EHLO c.example\r\nMAIL FROM:<a@c.example>\r\nRCPT TO:<x@example.test>\r\nDATA\r\n");
    w.expect("250-.*");
    w.expect("250 .*");
    w.expect("250 .*");
    w.expect("354 .*");
    return w;
  }

  @Test
  void theFinalReplyWaitsUntilTheSinkSaysTheMessageIsDurable() throws Exception {
    ScriptedSink sink = new ScriptedSink(Long.MAX_VALUE);
    listen("sink-reply", sink);
    try (SmtpWire w = transactionUpToData(server.registry.get("sink-reply").get())) {
      w.send("Subject: x\r\n\r\nhello\r\n.\r\n");
      assertThat(sink.contentEnd.get(5, TimeUnit.SECONDS)).isNull();
      CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
        try {
          return w.reply();
        } catch (Exception e) {
          return e.toString();
        }
      });
      assertThatNoReplyWithin(reply, Duration.ofMillis(500));
      sink.reply.tryEmitValue(SmtpReply.of(250, "2.0.0", "durable now"));
      assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("250 2.0.0 durable now");
    } finally {
      server.registry.stop("sink-reply", Duration.ZERO).block();
    }
  }

  @Test
  void aSinkThatStopsRequestingStopsTheSessionReadingTheSocket() throws Exception {
    ScriptedSink sink = new ScriptedSink(1);
    listen("sink-stall", sink);
    try (SmtpWire w = transactionUpToData(server.registry.get("sink-stall").get())) {
      byte[] line = ("x".repeat(998) + "\r\n").getBytes(US_ASCII);
      long total = 64L << 20; // far more than any socket and channel buffers together
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (long n = 0; n < total; n += line.length) {
            w.sendBytes(line);
            written.addAndGet(line.length);
          }
        } catch (Exception e) {
          // socket closed at the end of the test
        }
      });
      Thread.sleep(1500);
      long stalledAt = written.get();
      Thread.sleep(1000);
      assertThat(writer).isNotDone();
      assertThat(written.get()).as("the client is blocked by TCP backpressure")
          .isEqualTo(stalledAt).isLessThan(total / 4);
      assertThat(sink.bytes.get()).isLessThan(64 * 1024);
      // demand again: the transfer resumes
      long sinkBefore = sink.bytes.get();
      sink.reader.get().request(Long.MAX_VALUE);
      // demand again: the session reads on (the client's 4+ MB already in socket buffers drain
      // first, so the sink is where the resumption shows)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sink.bytes.get() < sinkBefore + 64 * 1024 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(sink.bytes.get()).isGreaterThanOrEqualTo(sinkBefore + 64 * 1024);
    } finally {
      server.registry.stop("sink-stall", Duration.ZERO).block();
    }
  }

  @Test
  void theSinkOfTheLastTransactionIsToldWhenTheClientQuits() throws Exception {
    ScriptedSink sink = new ScriptedSink(Long.MAX_VALUE);
    listen("sink-ended", sink);
    try (SmtpWire w = transactionUpToData(server.registry.get("sink-ended").get())) {
      w.send("Subject: x\r\n\r\nhello\r\n.\r\n");
      sink.reply.tryEmitValue(SmtpReply.of(250, "2.0.0", "queued"));
      w.expect("250 .*");
      assertThat(sink.ended).as("not before the session ends").isNotDone();
      w.send("QUIT\r\n");
      w.expect("221 .*");
      SessionFacts facts = sink.ended.get(5, TimeUnit.SECONDS);
      assertThat(facts.helo()).isEqualTo("c.example");
    } finally {
      server.registry.stop("sink-ended", Duration.ZERO).block();
    }
  }

  static void assertThatNoReplyWithin(CompletableFuture<String> reply, Duration d) throws Exception {
    try {
      String r = reply.get(d.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("replied before the sink finished: " + r);
    } catch (TimeoutException expected) {
      // no reply yet
    }
  }
}

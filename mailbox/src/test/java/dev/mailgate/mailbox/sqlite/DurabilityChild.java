package dev.mailgate.mailbox.sqlite;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import reactor.core.publisher.Flux;

/**
 * The delivering process of {@link DurabilityTest}: appends numbered messages forever, several in
 * flight, and prints {@code ACK <n> <uid>} for each only after the store acknowledged it. It is
 * killed with SIGKILL at a random moment.
 */
public final class DurabilityChild {
  static final String USER = "durable@example.org";

  private DurabilityChild() {}

  /** The deterministic bytes of message {@code n}: sizes from 100 B to about 300 KB. */
  static byte[] message(long n) {
    StringBuilder sb = new StringBuilder("From: loop@example.org\r\nSubject: durability ")
        .append(n).append("\r\n\r\n");
    long size = 100 + (n * 7919) % 300_000;
    String line = "message " + n + " line of body text 0123456789\r\n";
    while (sb.length() < size) {
      sb.append(line);
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long start = Long.parseLong(args[1]);
    SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults());
    store.provision(USER, Quota.unlimited()).block();
    MailboxId inbox = store.mailbox(USER, MailboxName.INBOX).block().id();
    System.out.println("READY");
    System.out.flush();
    Flux.generate(() -> start, (Long n, reactor.core.publisher.SynchronousSink<Long> sink) -> {
      sink.next(n);
      return n + 1;
    })
        .flatMap(n -> {
          byte[] b = message(n);
          // two chunks, so the streamed path is what is killed
          Flux<ByteBuffer> chunks = Flux.just(ByteBuffer.wrap(b, 0, b.length / 2),
              ByteBuffer.wrap(b, b.length / 2, b.length - b.length / 2));
          return store.append(inbox, new AppendRequest(dev.mailgate.mailbox.store.Flags.NONE, OffsetDateTime.now(), -1), chunks)
              .map(r -> "ACK " + n + " " + r.uid());
        }, 4)
        .doOnNext(line -> {
          synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
          }
        })
        .blockLast();
  }
}

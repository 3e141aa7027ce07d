package dev.mailgate.gateway.backend;

import dev.mailgate.codec.CommandEnds;
import dev.mailgate.gateway.policy.SessionPolicies;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The commands-per-interval rules on a {@link Relay} after login (issue 4, item 3). The relay
 * cannot refuse a command with the protocol's reply: the backend's replies to the commands before
 * it may still be on their way (POP3 replies are strictly ordered, an IMAP refusal would have to
 * be slotted between them). So it paces instead: the client's bytes are forwarded up to each
 * command's end ({@link CommandEnds}), and a command whose permit is not there yet waits for it
 * ({@link SessionPolicies#paceCommand()}: the delay scheduler, counted in {@code
 * mailgate.policy.delays} under the rule's name) before its last bytes go to the backend, the
 * bytes after it with it. Meanwhile nothing more is read from the client (one buffer at a time is
 * asked for), so TCP backpressure holds the client back; the backend never sees the command
 * early, and every reply comes whole and in order.
 *
 * <p>Bytes before a command's end pass at once: the backend acts on a command only once its line
 * ended, and a synchronising literal's {@code +} must not wait for the command's permit. What is
 * held while waiting is the one read that holds the command's end, at most {@link Relay#MAX_READ}
 * octets.
 *
 * <p>Only made when a commands rule is configured ({@link #of}); without one the relay stays a
 * plain byte pipe.
 *
 * <p>A wait longer than the relay's idle timeout (30 minutes at least) ends the session as any
 * read idleness does, since nothing is read meanwhile; the commands held had not been sent, so
 * none was acknowledged.
 */
public final class CommandPacer {
  private final CommandEnds ends;
  private final Supplier<Mono<Void>> permit;
  private volatile boolean waiting;

  CommandPacer(CommandEnds ends, Supplier<Mono<Void>> permit) {
    this.ends = Objects.requireNonNull(ends, "ends");
    this.permit = Objects.requireNonNull(permit, "permit");
  }

  /** The pacer for a session's relay, or null when its policies have no commands rule. */
  public static CommandPacer of(SessionPolicies policies, Supplier<? extends CommandEnds> ends) {
    return policies.pacesCommands() ? new CommandPacer(ends.get(), policies::paceCommand) : null;
  }

  /** Whether a command is waiting for its permit (the relay is not idle then). */
  boolean waiting() {
    return waiting;
  }

  /**
   * Paces {@code in}, whose buffers the caller owns (each is released here), into slices the
   * subscriber owns, in the same order and with the same bytes.
   */
  Flux<ByteBuf> pace(Flux<ByteBuf> in) {
    // No prefetch: the next buffer is asked for only once this one went out, so a waiting command
    // stops reads from the client.
    return in.concatMap(b -> Flux.using(() -> b, this::segments, ByteBuf::release), 0);
  }

  private Flux<ByteBuf> segments(ByteBuf b) {
    return Mono.defer(() -> nextSegment(b)).repeat(b::isReadable);
  }

  /** The bytes of {@code b} up to its next command end once that command has its permit, else the rest. */
  private Mono<ByteBuf> nextSegment(ByteBuf b) {
    int r = b.readerIndex();
    int w = b.writerIndex();
    if (r == w) {
      return Mono.empty();
    }
    int end = ends.next(b, r, w);
    if (end == CommandEnds.NONE) {
      return Mono.just(b.readRetainedSlice(w - r));
    }
    waiting = true;
    return permit.get()
        .then(Mono.fromSupplier(() -> b.readRetainedSlice(end - r)))
        .doFinally(s -> waiting = false);
  }
}

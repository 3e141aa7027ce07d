package dev.mailgate.codec.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Feeds the same input to a fresh decoder whole, one byte at a time, and in random splits, so a
 * test can assert that every split gives the same decoded messages (DESIGN.md, "Tests").
 *
 * <p>Decoded messages are turned into comparable values by {@code describe} (which must copy what
 * it needs) and then released, so PARANOID leak detection sees every buffer freed.
 */
public final class Splits {
  public static final int RANDOM_SPLIT_RUNS = 20;

  private Splits() {}

  /** The ways of cutting {@code input} that every decoder test runs. */
  public static List<List<byte[]>> allSplits(byte[] input, long seed) {
    List<List<byte[]>> ways = new ArrayList<>();
    ways.add(List.of(input));
    List<byte[]> single = new ArrayList<>(input.length);
    for (byte b : input) {
      single.add(new byte[] {b});
    }
    ways.add(single);
    Random random = new Random(seed);
    for (int run = 0; run < RANDOM_SPLIT_RUNS; run++) {
      List<byte[]> pieces = new ArrayList<>();
      int at = 0;
      while (at < input.length) {
        int n = Math.min(input.length - at, 1 + random.nextInt(Math.max(1, input.length / 3 + 1)));
        byte[] piece = new byte[n];
        System.arraycopy(input, at, piece, 0, n);
        pieces.add(piece);
        at += n;
      }
      ways.add(pieces);
    }
    return ways;
  }

  /**
   * Decodes {@code pieces} with a fresh channel around {@code decoder} and returns the described
   * messages in order; every decoded message is released after {@code describe} saw it.
   */
  public static <T> List<T> decode(
      Supplier<? extends ChannelHandler> decoder, List<byte[]> pieces, Function<Object, T> describe) {
    EmbeddedChannel channel = new EmbeddedChannel(decoder.get());
    List<T> out = new ArrayList<>();
    try {
      for (byte[] piece : pieces) {
        channel.writeInbound(Unpooled.wrappedBuffer(piece));
        drain(channel, describe, out);
      }
      channel.finish();
      drain(channel, describe, out);
    } finally {
      channel.finishAndReleaseAll();
    }
    return out;
  }

  /** Decodes every split of {@code input} and returns the distinct results (one element when all agree). */
  public static <T> List<List<T>> decodeEveryWay(
      Supplier<? extends ChannelHandler> decoder, byte[] input, Function<Object, T> describe) {
    List<List<T>> results = new ArrayList<>();
    for (List<byte[]> way : allSplits(input, 0x5eedL ^ input.length)) {
      List<T> r = decode(decoder, way, describe);
      if (!results.contains(r)) {
        results.add(r);
      }
    }
    return results;
  }

  private static <T> void drain(EmbeddedChannel channel, Function<Object, T> describe, List<T> out) {
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      try {
        out.add(describe.apply(msg));
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /** Copies a buffer's readable bytes without touching its reader index. */
  public static byte[] bytes(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), b);
    return b;
  }
}

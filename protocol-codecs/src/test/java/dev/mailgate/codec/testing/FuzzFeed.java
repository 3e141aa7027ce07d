package dev.mailgate.codec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The loop of every channel fuzz test: the rest of the fuzzer's data is cut into pieces of sizes
 * the fuzzer picks and written to the channel one by one; every message that comes out is checked
 * and released; after the end of input every input buffer must have been released by the pipeline
 * exactly once (nothing kept, nothing freed twice).
 */
public final class FuzzFeed {
  private FuzzFeed() {}

  /**
   * Feeds {@code data} to {@code channel} in pieces of 1 to {@code maxPiece} bytes. {@code check}
   * sees each decoded message (and releases what is not reference-counted itself, such as an IMAP
   * command); {@code afterPiece} runs after each piece's messages were checked.
   */
  public static void feed(FuzzedDataProvider data, EmbeddedChannel channel, int maxPiece,
      Consumer<Object> check, Runnable afterPiece) {
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] piece = data.consumeBytes(1 + data.consumeInt(0, maxPiece - 1));
        if (piece.length == 0) {
          break; // wrappedBuffer(new byte[0]) is the shared EMPTY_BUFFER, never released
        }
        ByteBuf in = Unpooled.wrappedBuffer(piece);
        inputs.add(in);
        channel.writeInbound(in.retain());
        drain(channel, check);
        afterPiece.run();
      }
      channel.finish();
      drain(channel, check);
    } finally {
      channel.finishAndReleaseAll();
    }
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).as("input released by the pipeline").isEqualTo(1);
      in.release();
    }
  }

  public static void feed(
      FuzzedDataProvider data, EmbeddedChannel channel, int maxPiece, Consumer<Object> check) {
    feed(data, channel, maxPiece, check, () -> { });
  }

  private static void drain(EmbeddedChannel channel, Consumer<Object> check) {
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      try {
        check.accept(msg);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}

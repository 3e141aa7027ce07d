package dev.mailgate.codec.imap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.Splits;
import io.netty.channel.ChannelHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Describes framer output as comparable strings; joins literal chunks so splits compare equal. */
final class FramerCases {
  private FramerCases() {}

  static String describe(Object msg) {
    if (msg instanceof ImapCommandFrame f) {
      StringBuilder sb = new StringBuilder(f.continuation() ? "cont[" : "cmd[");
      for (int i = 0; i < f.lineCount(); i++) {
        if (i > 0) {
          sb.append('|').append(f.literal(i - 1).toString(ISO_8859_1)).append('|');
        }
        sb.append(f.line(i).toString(ISO_8859_1));
      }
      sb.append(']');
      if (f.streamed()) {
        sb.append(" stream ").append(f.streamedLiteralSize());
      }
      return sb.toString();
    }
    if (msg instanceof ImapContinuationRequest c) {
      return "+" + c.literalSize();
    }
    if (msg instanceof ImapLiteralChunk c) {
      return "chunk:" + c.content().toString(ISO_8859_1) + (c.last() ? "$" : "");
    }
    if (msg instanceof DecodeFailure d) {
      return "fail " + d.error() + " " + d.tag();
    }
    return "?" + msg;
  }

  /** Joins consecutive chunks into one "literal" entry. */
  static List<String> joinChunks(List<String> in) {
    List<String> out = new ArrayList<>();
    StringBuilder chunk = null;
    for (String s : in) {
      if (s.startsWith("chunk:")) {
        if (chunk == null) {
          chunk = new StringBuilder("literal:");
        }
        chunk.append(s, 6, s.length());
        continue;
      }
      if (chunk != null) {
        out.add(chunk.toString());
        chunk = null;
      }
      out.add(s);
    }
    if (chunk != null) {
      out.add(chunk.toString());
    }
    return out;
  }

  /** Decodes every split and returns the distinct (chunk-joined) results. */
  static List<List<String>> everyWay(Supplier<? extends ChannelHandler> decoder, String input) {
    byte[] bytes = input.getBytes(ISO_8859_1);
    List<List<String>> results = new ArrayList<>();
    for (List<byte[]> way : Splits.allSplits(bytes, 0x5eedL ^ bytes.length)) {
      List<String> r = joinChunks(Splits.decode(decoder, way, FramerCases::describe));
      if (!results.contains(r)) {
        results.add(r);
      }
    }
    return results;
  }
}

package dev.mailgate.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mailgate.codec.DecodeFailure;
import dev.mailgate.codec.testing.CodecFuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Differential: the bulk-scanning DATA decoder against a byte-by-byte model of RFC 5321 4.5.2
 * (end only at CRLF.CRLF, leading dot removed in UNSTUFF mode), on bodies biased towards CR, LF
 * and dots, cut into arbitrary pieces. Content, end position and bare counts must agree.
 */
class SmtpDataDecoderFuzzTest {
  private static final byte[] ALPHABET = {'\r', '\n', '.', 'a', '\r', '\n', '.', 0};

  @CodecFuzzTest
  void bulkScanAgreesWithTheByteByByteModel(FuzzedDataProvider data) {
    boolean unstuff = data.consumeBoolean();
    int n = data.consumeInt(0, 4000);
    byte[] body = new byte[n];
    for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
      int pick = data.consumeInt(0, 15);
      body[i] = pick < ALPHABET.length ? ALPHABET[pick] : (byte) ('b' + pick);
    }
    Model expected = model(body, unstuff);
    SmtpDataDecoder decoder = new SmtpDataDecoder(
        unstuff ? SmtpDataDecoder.Mode.UNSTUFF : SmtpDataDecoder.Mode.PASS_THROUGH,
        SmtpLimits.DEFAULTS.withAllowBareLineEndingsInData(true));
    ByteBuf cumulation = Unpooled.buffer();
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    Object end = null;
    int fed = 0;
    try {
      while (end == null && fed < n) {
        int take = Math.min(n - fed, 1 + data.consumeInt(0, 300));
        cumulation.writeBytes(body, fed, take);
        fed += take;
        List<Object> out = new ArrayList<>();
        boolean done = decoder.decode(cumulation, out);
        for (Object o : out) {
          if (o instanceof SmtpContent c) {
            byte[] b = new byte[c.content().readableBytes()];
            c.content().getBytes(c.content().readerIndex(), b);
            content.writeBytes(b);
            c.release();
          } else {
            assertThat(o).isInstanceOfAny(DataEnd.class, DecodeFailure.class);
            end = o;
          }
        }
        assertThat(done).isEqualTo(end != null);
        // at most ".CR" is held back
        assertThat(cumulation.readableBytes()).isLessThanOrEqualTo(done ? n : 2);
        cumulation.discardReadBytes();
      }
      if (expected.endAt < 0) {
        assertThat(end).isNull();
      } else {
        assertThat(end).isEqualTo(new DataEnd(expected.content.length, expected.bareLf, expected.bareCr));
        assertThat(content.toByteArray()).isEqualTo(expected.content);
        assertThat(fed - cumulation.readableBytes()).isEqualTo(expected.endAt);
      }
    } finally {
      cumulation.release();
    }
  }

  private record Model(byte[] content, int endAt, long bareLf, long bareCr) {}

  /** The obvious per-byte reading of the RFC, used only as the oracle. */
  private static Model model(byte[] b, boolean unstuff) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long bareLf = 0;
    long bareCr = 0;
    int lineStart = 0;
    for (int i = 0; i < b.length; i++) {
      boolean atLineStart = i == 0 || (i >= 2 && b[i - 2] == '\r' && b[i - 1] == '\n' && i == lineStart);
      if (atLineStart && b[i] == '.' && i + 2 < b.length + 0 && b[i + 1] == '\r' && b[i + 2] == '\n') {
        return new Model(out.toByteArray(), i + 3, bareLf, bareCr);
      }
      if (atLineStart && b[i] == '.' && i + 2 >= b.length && (i + 1 >= b.length || b[i + 1] == '\r')) {
        return new Model(null, -1, 0, 0); // undecided: not enough bytes
      }
      if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
        bareLf++;
      }
      if (b[i] == '\r' && i + 1 < b.length && b[i + 1] != '\n') {
        bareCr++;
      }
      if (b[i] == '\n' && i > 0 && b[i - 1] == '\r') {
        lineStart = i + 1;
      }
      if (!(unstuff && atLineStart && b[i] == '.')) {
        out.write(b[i]);
      }
    }
    return new Model(null, -1, 0, 0);
  }
}

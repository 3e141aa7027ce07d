package dev.mailgate.gateway.smtp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.smtp.MailParameters;
import dev.mailgate.codec.smtp.SmtpPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

/**
 * The Date: and Message-ID: a submission lacks, added as the content streams by: each case is
 * fed whole, byte by byte and in random splits, every input buffer is released or handed on, and
 * every output buffer is read and released here.
 */
class SubmissionHeaderFieldsTest {
  static final Instant STARTED = Instant.parse("2026-12-07T04:30:05Z");
  static final String DATE = "Date: Mon, 7 Dec 2026 04:30:05 +0000\r\n";
  static final String ID = "Message-ID: <ID@mx.example.test>\r\n";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("neither: both before the blank line",
            "From: a@b.example\r\nSubject: s\r\n\r\nDate: in the body\r\n",
            "From: a@b.example\r\nSubject: s\r\n" + DATE + ID + "\r\nDate: in the body\r\n"),
        Arguments.of("a Date in any case, no Message-ID",
            "DATE: Sun, 6 Dec 2026 10:00:00 +0100\r\n\r\nx\r\n",
            "DATE: Sun, 6 Dec 2026 10:00:00 +0100\r\n" + ID + "\r\nx\r\n"),
        Arguments.of("white space before the colon (RFC 5322 4.5)",
            "Date \t: Sun, 6 Dec 2026 10:00:00 +0100\r\nmessage-id: <a@b>\r\n\r\nx\r\n",
            "Date \t: Sun, 6 Dec 2026 10:00:00 +0100\r\nmessage-id: <a@b>\r\n\r\nx\r\n"),
        Arguments.of("names that only begin or end alike, and a folded line, count for nothing",
            "X-Date: 1\r\nDates: 2\r\nMessage-IDs: 3\r\nSubject: a\r\n Date: 4\r\n\r\n",
            "X-Date: 1\r\nDates: 2\r\nMessage-IDs: 3\r\nSubject: a\r\n Date: 4\r\n" + DATE + ID
                + "\r\n"),
        Arguments.of("all header: at the end",
            "Subject: only\r\n",
            "Subject: only\r\n" + DATE + ID),
        Arguments.of("empty: the fields are the message",
            "",
            DATE + ID),
        Arguments.of("a blank first line: no header, the fields go before it",
            "\r\nbody\r\n",
            DATE + ID + "\r\nbody\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theMissingFieldsGoJustBeforeTheEndOfTheHeaderHoweverTheContentIsSplit(String name,
      String in, String expected) {
    assertThat(run(in, List.of(in.length()))).as("whole").isEqualTo(expected);
    List<Integer> bytes = new ArrayList<>();
    for (int i = 0; i < in.length(); i++) {
      bytes.add(1);
    }
    assertThat(run(in, bytes)).as("byte by byte").isEqualTo(expected);
    Random r = new Random(in.hashCode());
    for (int round = 0; round < 20; round++) {
      List<Integer> splits = new ArrayList<>();
      for (int left = in.length(); left > 0; ) {
        int n = 1 + r.nextInt(Math.min(left, 12));
        splits.add(n);
        left -= n;
      }
      assertThat(run(in, splits)).as("split %s", splits).isEqualTo(expected);
    }
  }

  /** Feeds {@code in} in chunks of the given sizes; the output with the Message-ID's left side as ID. */
  private static String run(String in, List<Integer> sizes) {
    SessionFacts session = new SessionFacts("mx.example.test", "client.example", true,
        new InetSocketAddress("127.0.0.1", 1), null, null, "alice@example.test", true);
    Envelope e = new Envelope("t1", session, new SmtpPath("alice", "example.test", List.of(), false),
        MailParameters.NONE, STARTED);
    byte[] bytes = in.getBytes(US_ASCII);
    List<ByteBuf> chunks = new ArrayList<>();
    int at = 0;
    for (int n : sizes) {
      if (n == 0) {
        continue; // the content of an empty message is no chunk at all
      }
      chunks.add(Unpooled.copiedBuffer(bytes, at, n));
      at += n;
    }
    List<ByteBuf> out = new SubmissionHeaderFields(ByteBufAllocator.DEFAULT, e)
        .apply(Flux.fromIterable(chunks)).collectList().block();
    StringBuilder b = new StringBuilder();
    for (ByteBuf o : out) {
      b.append(o.toString(US_ASCII));
      assertThat(o.release()).as("handed on with one reference").isTrue();
    }
    assertThat(chunks).allSatisfy(c -> assertThat(c.refCnt()).as("released or handed on").isZero());
    return b.toString().replaceAll("Message-ID: <[0-9a-f]{32}@", "Message-ID: <ID@");
  }
}

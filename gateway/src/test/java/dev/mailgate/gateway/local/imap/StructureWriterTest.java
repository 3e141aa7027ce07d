package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.codec.imap.ImapResponseWriter;
import dev.mailgate.mailbox.mime.BodyPart;
import dev.mailgate.mailbox.mime.StructureParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** BODY / BODYSTRUCTURE as written for parsed messages, compared with Dovecot 2.3's answers. */
class StructureWriterTest {

  private static String bodystructure(String message) throws IOException {
    BodyPart root = new StructureParser(64 * 1024)
        .parse(new ByteArrayInputStream(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)))
        .root();
    ImapResponseWriter w = new ImapResponseWriter(UnpooledByteBufAllocator.DEFAULT, false);
    StructureWriter.body(w, root, true);
    ByteBuf out = w.build();
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  @Test
  void textPartWithoutCharsetShowsTheUsAsciiDefault() throws IOException {
    // RFC 2045 section 5.2; Dovecot: ("text" "plain" ("charset" "us-ascii") ...)
    assertThat(bodystructure("Subject: x\nContent-Type: text/plain\n\nhello\n"))
        .isEqualTo("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 7 1 NIL NIL NIL NIL)");
  }

  @Test
  void textPartWithOtherParametersGetsTheDefaultCharsetAfterThem() throws IOException {
    // Dovecot: ("format" "flowed" "charset" "us-ascii"); a given charset stays as it is.
    String message = """
        Content-Type: multipart/mixed; boundary="q"

        --q
        Content-Type: text/plain; format=flowed

        hi
        --q
        Content-Type: text/html; charset="UTF-8"

        <p>
        --q
        Content-Type: application/octet-stream

        xx
        --q--
        """;
    assertThat(bodystructure(message)).isEqualTo(
        "((\"TEXT\" \"PLAIN\" (\"FORMAT\" \"flowed\" \"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 2 0 NIL NIL NIL NIL)"
            + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 3 0 NIL NIL NIL NIL)"
            + "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 2 NIL NIL NIL NIL)"
            + " \"MIXED\" (\"BOUNDARY\" \"q\") NIL NIL NIL)");
  }

  @Test
  void dispositionFileNamesKeepTheirRfc2231AndRfc2047EncodingsAsDovecotShowsThem() throws IOException {
    // Dovecot: ("attachment" ("filename*" "UTF-8''%E2%82%AC%20rates.pdf")); mime4j decoded it
    assertThat(bodystructure("""
        Content-Type: application/pdf
        Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf

        x
        """)).isEqualTo("(\"APPLICATION\" \"PDF\" NIL NIL NIL \"7BIT\" 3 NIL "
            + "(\"ATTACHMENT\" (\"FILENAME*\" \"UTF-8''%E2%82%AC%20rates.pdf\")) NIL NIL)");
    assertThat(bodystructure("""
        Content-Type: application/pdf
        Content-Disposition: inline; filename="=?UTF-8?B?w6k=?=.pdf" size=3

        x
        """)).isEqualTo("(\"APPLICATION\" \"PDF\" NIL NIL NIL \"7BIT\" 3 NIL "
            + "(\"INLINE\" (\"FILENAME\" \"=?UTF-8?B?w6k=?=.pdf\")) NIL NIL)");
  }
}

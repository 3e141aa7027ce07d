package dev.mailgate.gateway.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * A hand-built TLS ClientHello (RFC 5246 section 7.4.1.2) with any protocol version and cipher
 * suites, so the server's refusal of TLS 1.0 / 1.1 and of weak suites is probed without depending
 * on what the local JDK or OpenSSL still allow a client to offer. {@link #probe} sends it and
 * tells whether the server answered with a ServerHello (accepted) or an alert / close (refused).
 */
final class ClientHello {
  static final int TLS1_0 = 0x0301;
  static final int TLS1_1 = 0x0302;
  static final int TLS1_2 = 0x0303;
  static final int SSL3 = 0x0300;

  /** What the server did with the hello. */
  enum Answer { SERVER_HELLO, ALERT, CLOSED }

  private ClientHello() {}

  /** The hello record: the given version and suites; groups x25519/P-256/P-384; common signature schemes. */
  static byte[] build(int version, int... suites) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    u16(body, version);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0); // no session id
    u16(body, suites.length * 2);
    for (int s : suites) {
      u16(body, s);
    }
    body.write(1);
    body.write(0); // null compression only
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    extension(ext, 0x000a, new int[] {6, 0x001d, 0x0017, 0x0018}); // supported_groups
    ext.writeBytes(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}); // ec_point_formats: uncompressed
    extension(ext, 0x000d, new int[] {10, 0x0804, 0x0403, 0x0401, 0x0503, 0x0805}); // signature_algorithms
    byte[] e = ext.toByteArray();
    u16(body, e.length);
    body.writeBytes(e);

    byte[] b = body.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(0x16); // handshake
    u16(record, TLS1_0); // record-layer version as clients send it
    u16(record, b.length + 4);
    record.write(0x01); // client_hello
    record.write(0);
    u16(record, b.length);
    record.writeBytes(b);
    return record.toByteArray();
  }

  private static void extension(ByteArrayOutputStream out, int type, int[] listWithLength) {
    u16(out, type);
    u16(out, listWithLength.length * 2);
    for (int v : listWithLength) {
      u16(out, v);
    }
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write((v >> 8) & 0xff);
    out.write(v & 0xff);
  }

  /** Sends {@code hello} on a fresh connection to {@code port} and reads the server's first record. */
  static Answer probe(int port, byte[] hello) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(Wire.READ_TIMEOUT_MS);
      s.getOutputStream().write(hello);
      s.getOutputStream().flush();
      return answer(s.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the first record header and handshake type the server sends back. */
  static Answer answer(InputStream in) throws IOException {
    try {
      byte[] head = in.readNBytes(6);
      if (head.length < 6) {
        return head.length > 0 && head[0] == 0x15 ? Answer.ALERT : Answer.CLOSED;
      }
      if (head[0] == 0x16 && head[5] == 0x02) {
        return Answer.SERVER_HELLO;
      }
      if (head[0] == 0x15) {
        return Answer.ALERT;
      }
      throw new IOException("unexpected TLS record type " + head[0]);
    } catch (SocketException reset) {
      return Answer.CLOSED;
    } catch (SocketTimeoutException hang) {
      throw new IOException("server neither answered nor closed", hang);
    }
  }
}

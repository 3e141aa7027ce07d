package dev.mailgate.gateway.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Golden protocol transcripts run over a real socket, the way Apache James' mpt scripts do: a
 * small reusable test utility for the IMAP, POP3 and SMTP servers.
 *
 * <p>Script lines:
 *
 * <ul>
 *   <li>{@code C: text} sends {@code text} CRLF;
 *   <li>{@code S: regex} reads one line (CRLF removed) that must match {@code regex} entirely
 *       ({@code S:} alone expects an empty line);
 *   <li>{@code S*: regex} lets any number of lines matching {@code regex} appear here (for untagged
 *       responses whose number or order is not fixed), before the next {@code S:} line;
 *   <li>named groups of an {@code S:} pattern ({@code (?<modseq>\\d+)}) are remembered, and
 *       {@code ${modseq}} in a later {@code C:} line is replaced by what they matched;
 *   <li>{@code !TLS} upgrades the connection to TLS (after a STARTTLS / STLS reply), trusting any
 *       certificate;
 *   <li>{@code !CLOSED} expects the server to close the connection;
 *   <li>{@code #} starts a comment; blank lines are ignored.
 * </ul>
 *
 * <p>A failed expectation throws an {@link AssertionError} naming the script line, the expected
 * pattern and every line received so far in this step, so a broken transcript reads like a diff.
 */
public final class Transcript {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
  private final List<Step> steps;

  private record Step(int lineNo, String kind, String text, Pattern pattern) {}

  private Transcript(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses a script. */
  public static Transcript of(String script) {
    List<Step> steps = new ArrayList<>();
    String[] lines = script.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.equals("!TLS") || t.equals("!CLOSED")) {
        steps.add(new Step(i + 1, t, null, null));
      } else if (l.startsWith("C: ") || l.equals("C:")) {
        steps.add(new Step(i + 1, "C", l.length() > 3 ? l.substring(3) : "", null));
      } else if (l.startsWith("S: ") || l.equals("S:")) {
        // "S:" alone (text blocks strip the trailing blank) expects an empty line
        String re = l.length() > 3 ? l.substring(3) : "";
        steps.add(new Step(i + 1, "S", re, re.contains("${") ? null : Pattern.compile(re)));
      } else if (l.startsWith("S*: ")) {
        steps.add(new Step(i + 1, "S*", l.substring(4), Pattern.compile(l.substring(4))));
      } else {
        throw new IllegalArgumentException("line " + (i + 1) + ": cannot parse: " + l);
      }
    }
    return new Transcript(steps);
  }

  /** Reads a script file. */
  public static Transcript read(Path file) {
    try {
      return of(Files.readString(file, UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a script from the test class path. */
  public static Transcript resource(String name) {
    try (InputStream in = Transcript.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no such resource " + name);
      }
      return of(new String(in.readAllBytes(), UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Connects, runs the whole script and closes. */
  public void run(InetSocketAddress server) {
    try (Client c = Client.connect(server, Duration.ofSeconds(10))) {
      c.run(this);
    }
  }

  /** One client connection on which several transcripts may run in turn. */
  public static final class Client implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String pushedBack;
    private final List<String> received = new ArrayList<>();
    private final java.util.Map<String, String> captured = new java.util.HashMap<>();

    private Client(Socket socket) throws IOException {
      use(socket);
    }

    public static Client connect(InetSocketAddress server, Duration timeout) {
      try {
        Socket s = new Socket();
        s.connect(server, (int) timeout.toMillis());
        s.setSoTimeout((int) timeout.toMillis());
        s.setTcpNoDelay(true);
        return new Client(s);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void use(Socket s) throws IOException {
      socket = s;
      in = new BufferedInputStream(s.getInputStream());
      out = s.getOutputStream();
    }

    /** Runs a script (given as text) on this connection. */
    public Client run(String script) {
      return run(Transcript.of(script));
    }

    public Client run(Transcript t) {
      for (Step step : t.steps) {
        try {
          step(step);
        } catch (IOException e) {
          throw new AssertionError("line " + step.lineNo + " (" + step.kind + ": " + step.text
              + "): " + e + "; received " + received, e);
        }
      }
      return this;
    }

    /** Sends raw bytes (e.g. a literal without a trailing CRLF). */
    public Client send(byte[] bytes) {
      try {
        out.write(bytes);
        out.flush();
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads the next line (CRLF removed), for tests that inspect responses themselves. */
    public String readLine() {
      try {
        return line();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads exactly {@code n} bytes (a literal's contents). */
    public byte[] readBytes(int n) {
      try {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
          throw new AssertionError("connection closed after " + b.length + " of " + n + " bytes");
        }
        return b;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Changes how long a read may wait. */
    public Client timeout(Duration d) {
      try {
        socket.setSoTimeout((int) d.toMillis());
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void step(Step step) throws IOException {
      switch (step.kind) {
        case "C" -> {
          received.clear();
          String text = step.text;
          for (var e : captured.entrySet()) {
            text = text.replace("${" + e.getKey() + "}", e.getValue());
          }
          out.write((text + "\r\n").getBytes(UTF_8));
          out.flush();
        }
        case "S" -> {
          String l = line();
          java.util.regex.Matcher m = expected(step).matcher(l);
          if (!m.matches()) {
            throw new AssertionError("line " + step.lineNo + ": expected /" + step.text + "/ but got \""
                + l + "\"; received so far " + received);
          }
          java.util.regex.Matcher names = GROUP_NAME.matcher(step.text);
          while (names.find()) {
            captured.put(names.group(1), m.group(names.group(1)));
          }
        }
        case "S*" -> {
          for (;;) {
            String l = line();
            if (!step.pattern.matcher(l).matches()) {
              pushedBack = l;
              received.remove(received.size() - 1);
              break;
            }
          }
        }
        case "!TLS" -> upgrade();
        case "!CLOSED" -> {
          int b;
          try {
            b = in.read();
          } catch (SocketTimeoutException e) {
            throw new AssertionError("line " + step.lineNo + ": connection still open");
          } catch (IOException e) {
            b = -1;
          }
          if (b != -1) {
            throw new AssertionError("line " + step.lineNo + ": expected close, got more data");
          }
        }
        default -> throw new IllegalStateException(step.kind);
      }
    }

    /** The step's pattern with earlier captures ({@code ${name}}) filled in literally. */
    private Pattern expected(Step step) {
      if (!step.text.contains("${")) {
        return step.pattern;
      }
      String re = step.text;
      for (var e : captured.entrySet()) {
        re = re.replace("${" + e.getKey() + "}", Pattern.quote(e.getValue()));
      }
      return Pattern.compile(re);
    }

    private String line() throws IOException {
      if (pushedBack != null) {
        String l = pushedBack;
        pushedBack = null;
        received.add(l);
        return l;
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (;;) {
        int b = in.read();
        if (b == -1) {
          throw new AssertionError("connection closed; partial line \"" + buf.toString(UTF_8)
              + "\"; received " + received);
        }
        if (b == '\n') {
          byte[] a = buf.toByteArray();
          int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
          String l = new String(a, 0, len, UTF_8);
          received.add(l);
          return l;
        }
        buf.write(b);
      }
    }

    private void upgrade() throws IOException {
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(
            socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  /** Tests talk to their own self-signed servers. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

package dev.mailgate.gateway.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MailgateCommandTest {

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run execute(String... args) {
    CommandLine cl = MailgateCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void unknownFlagExitsWithUsageCode2() {
    Run r = execute("--no-such-flag");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
    assertThat(execute("run", "--bogus").code()).isEqualTo(2);
  }

  @Test
  void runHelpSaysWhatWorksAndWhatDoesNot() {
    Run r = execute("run", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Works today").contains("Not yet").contains("--config");
  }

  @Test
  void runWithAConfigIsRefusedUntilTheConfigModuleIsWired() {
    Run r = execute("run", "--config", dir.resolve("x.yaml").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("not supported yet");
  }

  @Test
  void runBindsTheDefaultListenersWithTheGeneratedCertificate() throws Exception {
    int offset = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> execute(
        "run", "--bind", "127.0.0.1", "--port-offset", Integer.toString(offset),
        "--data-dir", dir.toString(), "--host-name", "mx.example.test", "--stop-after", "PT6S"));
    Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      try (Socket s = new Socket("127.0.0.1", 143 + offset)) {
        s.setSoTimeout(5000);
        String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII)).readLine();
        return greeting.startsWith("* BYE [UNAVAILABLE]");
      }
    });
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", 465 + offset)) {
      s.setSoTimeout(5000);
      String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII)).readLine();
      assertThat(greeting).startsWith("421 4.3.0");
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    Run r = run.get();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("listening: imaps (IMAP, IMPLICIT)");
    assertThat(dir.resolve("tls/selfsigned-cert.pem")).exists();
  }
}

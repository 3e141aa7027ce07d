package dev.mailgate.gateway.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.app.FreePorts;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command of PRODUCT.md run in-process: exit codes 0 / 1 / 2 and what it prints. */
class MailgateCommandTest {

  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run execute(InputStream stdin, String... args) {
    CommandLine cl = MailgateCommand.commandLine(stdin);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Run execute(String... args) {
    return execute(InputStream.nullInputStream(), args);
  }

  static InputStream line(String s) {
    return new ByteArrayInputStream((s + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Nested
  class Usage {
    @Test
    void unknownFlagExitsTwoWithADidYouMeanHint() {
      Run r = execute("run", "--confg", "x.yaml");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("Unknown option").contains("--config").contains("mailgate run --help");
      assertThat(execute("--no-such-flag").code()).isEqualTo(2);
      assertThat(execute("user", "add").code()).as("missing ADDRESS").isEqualTo(2);
      assertThat(execute("user", "alias", "postmaster@x.test").code()).as("missing USER").isEqualTo(2);
      assertThat(execute("user", "unalias").code()).as("missing ALIAS").isEqualTo(2);
    }

    @Test
    void everyCommandHasHelpAndExitsZero() {
      String[][] commands = {
        {}, {"run"}, {"check-config"}, {"user"}, {"user", "add"}, {"user", "passwd"}, {"user", "del"},
        {"user", "list"}, {"user", "alias"}, {"user", "unalias"}, {"user", "import-dovecot"}, {"route"}, {"route", "explain"}
      };
      for (String[] c : commands) {
        String[] args = java.util.Arrays.copyOf(c, c.length + 1);
        args[c.length] = "--help";
        Run r = execute(args);
        assertThat(r.code()).as(String.join(" ", args)).isZero();
        assertThat(r.out()).as(String.join(" ", args)).contains("Usage: mailgate");
      }
      assertThat(execute("--help").out()).contains("check-config").contains("route").contains("user");
      assertThat(execute("user", "add", "--help").out()).contains("--password-stdin");
    }

    @Test
    void versionPrintsTheProductNameAndTheBuildsVersion() {
      String expected = System.getProperty("mailgate.expectedVersion");
      assertThat(expected).as("surefire passes the pom's version").isNotBlank();
      Run r = execute("--version");
      assertThat(r.code()).isZero();
      assertThat(r.out().strip()).isEqualTo("mailgate " + expected);
    }
  }

  @Nested
  class CheckConfig {
    @Test
    void cleanExampleExitsZeroWithASummary() {
      Path example = Path.of("..", "examples", "local-only.yaml");
      Run r = execute("check-config", example.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("ok (7 listeners");
    }

    @Test
    void brokenFilePrintsEveryErrorWithItsLocationAndExitsTwo() throws Exception {
      Path f = dir.resolve("broken.yaml");
      Files.writeString(f, String.join("\n",
          "listeners:",
          "  - { name: imap, protocol: imapp, bind: \"127.0.0.1:3143\" }",
          "routes:",
          "  - { name: r1, target: backend:nowhere }",
          "lisenters: []",
          ""));
      Run r = execute("check-config", f.toString());
      assertThat(r.code()).isEqualTo(2);
      String[] lines = r.err().strip().split("\n");
      assertThat(lines.length).isGreaterThanOrEqualTo(4);
      for (int i = 0; i < lines.length - 1; i++) {
        assertThat(lines[i]).matches(java.util.regex.Pattern.quote(f.toString()) + ":\\d+:\\d+: .+");
      }
      assertThat(r.err()).contains(f + ":2:").contains(f + ":4:").contains(f + ":5:").contains("did you mean");
      assertThat(lines[lines.length - 1]).endsWith("errors in " + f);
    }

    @Test
    void missingFileIsAnError() {
      Run r = execute("check-config", dir.resolve("nope.yaml").toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("nope.yaml:1:1:");
    }
  }

  @Nested
  class Users {
    String data() {
      return dir.resolve("data").toString();
    }

    @Test
    void addListPasswdDelRoundTrip() {
      Run add = execute(line("s3cret pass"), "user", "add", "me@Example.test", "--password-stdin", "--data-dir", data());
      assertThat(add.code()).as(add.err()).isZero();
      assertThat(add.out()).contains("added me@Example.test; example.test is a local domain");
      assertThat(Path.of(data(), "local", "users.db")).exists();

      Run list = execute("user", "list", "--data-dir", data());
      assertThat(list.code()).isZero();
      assertThat(list.out()).contains("me@Example.test\targon2id");
      assertThat(verify("me@example.test", "s3cret pass")).isTrue();

      assertThat(execute(line("new one"), "user", "passwd", "me@example.test", "--password-stdin", "--data-dir", data()).code()).isZero();
      assertThat(verify("me@example.test", "new one")).isTrue();
      assertThat(verify("me@example.test", "s3cret pass")).isFalse();

      Run del = execute("user", "del", "me@example.test", "--data-dir", data());
      assertThat(del.code()).isZero();
      assertThat(del.out()).contains("deleted me@example.test");
      assertThat(execute("user", "list", "--data-dir", data()).out()).doesNotContain("me@");
    }

    @Test
    void addingAnExistingUserOrDeletingAMissingOneFailsWithOne() {
      assertThat(execute(line("pw"), "user", "add", "a@x.test", "--password-stdin", "--data-dir", data()).code()).isZero();
      Run again = execute(line("pw"), "user", "add", "A@X.test", "--password-stdin", "--data-dir", data());
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err()).contains("exists");
      assertThat(execute("user", "del", "nobody@x.test", "--data-dir", data()).code()).isEqualTo(1);
      assertThat(execute(line("pw"), "user", "passwd", "nobody@x.test", "--password-stdin", "--data-dir", data()).code()).isEqualTo(1);
    }

    @Test
    void aliasIsListedWithItsUserAndUnaliasRemovesIt() {
      assertThat(execute(line("pw"), "user", "add", "me@x.test", "--password-stdin", "--data-dir", data()).code()).isZero();
      Run alias = execute("user", "alias", "postmaster@x.test", "me@x.test", "--data-dir", data());
      assertThat(alias.code()).as(alias.err()).isZero();
      assertThat(alias.out()).contains("alias postmaster@x.test -> me@x.test; x.test is a local domain");
      assertThat(execute("user", "list", "--data-dir", data()).out()).contains("me@x.test\targon2id\tpostmaster@x.test");
      assertThat(resolve("POSTMASTER@x.test")).isEqualTo("me@x.test");

      Run unalias = execute("user", "unalias", "postmaster@x.test", "--data-dir", data());
      assertThat(unalias.code()).as(unalias.err()).isZero();
      assertThat(unalias.out()).contains("removed alias postmaster@x.test");
      assertThat(execute("user", "list", "--data-dir", data()).out()).doesNotContain("postmaster@");
      assertThat(resolve("postmaster@x.test")).isNull();
    }

    @Test
    void aliasOfAMissingUserOrATakenAddressAndUnaliasOfAMissingAliasFailWithOne() {
      assertThat(execute(line("pw"), "user", "add", "me@x.test", "--password-stdin", "--data-dir", data()).code()).isZero();
      Run noUser = execute("user", "alias", "sales@x.test", "nobody@x.test", "--data-dir", data());
      assertThat(noUser.code()).isEqualTo(1);
      assertThat(noUser.err()).contains("no user nobody@x.test");
      Run taken = execute("user", "alias", "ME@x.test", "me@x.test", "--data-dir", data());
      assertThat(taken.code()).isEqualTo(1);
      assertThat(taken.err()).contains("in use");
      Run missing = execute("user", "unalias", "sales@x.test", "--data-dir", data());
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("no alias sales@x.test");
      assertThat(execute("user", "alias", "bad alias", "me@x.test", "--data-dir", data()).code())
          .as("a name with a space is a usage error").isEqualTo(2);
    }

    @Test
    void withoutATerminalOrStdinThePasswordIsRefusedAsUsage() {
      Run r = execute("user", "add", "a@x.test", "--data-dir", data());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("--password-stdin");
      assertThat(execute(line(""), "user", "add", "a@x.test", "--password-stdin", "--data-dir", data()).code()).isEqualTo(2);
      assertThat(execute("user", "list", "--data-dir", data()).out()).isEmpty();
    }

    @Test
    void importDovecotKeepsHashesAndReportsSkippedLines() throws Exception {
      Path passwd = dir.resolve("passwd");
      Files.writeString(passwd, String.join("\n",
          "# dovecot users",
          "bob@x.test:{SHA512-CRYPT}$6$saltsalt$8iYtNHxjWRl.NF6oNZ5tF.iKFlQREaXBLlSmZKP6dy9l5z3vsooWNW0/GZ6Nej73/TFug6pIPSqbJoCT6dfnj.::::::",
          "eve@x.test:{MD5}abc",
          ""));
      Run r = execute("user", "import-dovecot", passwd.toString(), "--data-dir", data());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).contains("imported 1, replaced 0, skipped 1");
      assertThat(r.err()).contains(passwd + ":3: skipped eve@x.test: unsupported scheme MD5");
      assertThat(verify("bob@x.test", "hunter2")).isTrue();
      assertThat(execute("user", "list", "--data-dir", data()).out()).contains("bob@x.test\tsha512_crypt");
    }

    private String resolve(String address) {
      try (UserStore users = UserStore.open(Path.of(data(), "local"), Argon2id.Params.defaults(), 1)) {
        return users.resolve(address).block(Duration.ofSeconds(30));
      }
    }

    private boolean verify(String user, String password) {
      try (UserStore users = UserStore.open(Path.of(data(), "local"), Argon2id.Params.defaults(), 1)) {
        return users.verify(user, password.toCharArray()).block(Duration.ofSeconds(30));
      }
    }
  }

  @Nested
  class RouteExplain {
    @Test
    void embeddedDefaultRoutesEveryoneToTheLocalTier() {
      Run r = execute("route", "explain", "me@example.test", "--data-dir", dir.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("decision:  ROUTED -> local (rule 'everyone-local')")
          .contains("listener imap")
          .contains("policies:")
          .contains("tls-before-auth");
    }

    @Test
    void saysWhichBackendAndWhyEachRuleMatchedOrNot() throws Exception {
      Path f = dir.resolve("route.yaml");
      Files.writeString(f, String.join("\n",
          "listeners:",
          "  - { name: imap, protocol: imap, bind: \"127.0.0.1:3143\", tls: none }",
          "  - { name: smtp, protocol: smtp, bind: \"127.0.0.1:3025\", tls: none }",
          "backends:",
          "  - { name: old, host: 127.0.0.1, port: 1143, tls: none }",
          "  - { name: new, host: 127.0.0.1, port: 2143, tls: none }",
          "routes:",
          "  - { name: migrated, match: { domains: [new.test] }, target: backend:new }",
          "  - { name: rest, match: { protocols: [imap] }, target: backend:old }",
          ""));
      Run r = execute("route", "explain", "ann@old.test", "--protocol", "imap", "--ip", "192.0.2.7", "--config", f.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("decision:  ROUTED -> backend:old (rule 'rest')")
          .contains("backends:  old")
          .contains("rule 'migrated': no match: domain 'old.test'")
          .contains("client 192.0.2.7");
      Run smtp = execute("route", "explain", "x@elsewhere.test", "--protocol", "smtp", "--config", f.toString());
      assertThat(smtp.code()).isEqualTo(1);
      assertThat(smtp.out()).contains("NO_ROUTE").contains("recipient domain elsewhere.test");
      assertThat(execute("route", "explain", "a@b", "--protocol", "nntp").code()).isEqualTo(2);
      assertThat(execute("route", "explain", "a@b", "--ip", "not-an-ip").code()).isEqualTo(2);
    }
  }

  @Nested
  class RunEmbeddedDefault {
    @Test
    void bindsEveryListenerWithTheGeneratedCertificateAndAnswersHealth() throws Exception {
      int offset = FreePorts.offsetFor(FreePorts.EMBEDDED);
      CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> execute(
          "run", "--port-offset", Integer.toString(offset), "--data-dir", dir.toString(), "--stop-after", "PT8S"));
      HttpClient http = HttpClient.newHttpClient();
      URI health = URI.create("http://127.0.0.1:" + (8025 + offset) + "/health");
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
          http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body())
          .contains("\"up\"");
      try (Socket s = new Socket("127.0.0.1", 3143 + offset)) {
        s.setSoTimeout(5000);
        assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII)).readLine()).startsWith("* ");
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", 3993 + offset)) {
        s.setSoTimeout(5000);
        s.startHandshake();
        assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      }
      Run r = run.get();
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("listening: imaps (IMAP, IMPLICIT)").contains("listening: smtp (SMTP, STARTTLS)")
          .contains("admin: http://127.0.0.1:" + (8025 + offset) + "/").contains("mailgate: ready");
      assertThat(dir.resolve("tls/selfsigned-cert.pem")).exists();
      assertThat(dir.resolve("local/store.db")).exists();
    }

    @Test
    void aConfigWithErrorsFailsToStartWithExitOneAndTheErrors() throws Exception {
      Path f = dir.resolve("bad.yaml");
      Files.writeString(f, "listeners: 7\n");
      Run r = execute("run", "--config", f.toString(), "--stop-after", "PT1S");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("cannot start").contains(f + ":1:");
    }
  }
}

package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file under {@code examples/} loads without an error (PRODUCT.md promises it). */
class ExamplesTest {
  @TempDir Path dir;

  private static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    assertThat(p).as("examples/ above " + Path.of("").toAbsolutePath()).isNotNull();
    return p.resolve("examples");
  }

  @Test
  void everyExampleLoadsWithoutErrors() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Map<String, String> env = Map.of(
        "DOVECOT_HOST", "127.0.0.1",
        "DOVECOT_IMAP_PORT", "10143",
        "DOVECOT_POP3_PORT", "10110",
        "POSTFIX_HOST", "127.0.0.1",
        "POSTFIX_SMTP_PORT", "10025",
        "POSTFIX_SUBMISSION_PORT", "10587",
        "BACKEND_CA_FILE", ca.toString(),
        "ACCEPTED_DOMAINS", "example.org,example.net");
    List<Path> files;
    try (Stream<Path> s = Files.walk(examples())) {
      files = s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted().toList();
    }
    assertThat(files).extracting(f -> f.getFileName().toString())
        .contains("front-dovecot-postfix.yaml", "local-only.yaml", "sql-routing.yaml");
    for (Path f : files) {
      LoadResult r = ConfigLoader.load(f, env);
      assertThat(r.formatErrors()).as(f.toString()).isEmpty();
    }
  }

  @Test
  void frontDovecotPostfixRoutesEachListenerToItsBackendPort() {
    Map<String, String> env = Map.of(
        "DOVECOT_HOST", "10.0.0.1", "DOVECOT_IMAP_PORT", "143", "DOVECOT_POP3_PORT", "110",
        "POSTFIX_HOST", "10.0.0.2", "POSTFIX_SMTP_PORT", "25", "POSTFIX_SUBMISSION_PORT", "587",
        "ACCEPTED_DOMAINS", "example.org");
    var c = ConfigLoader.load(examples().resolve("front-dovecot-postfix.yaml"), env)
        .config().orElseThrow();
    assertThat(c.backend("postfix").orElseThrow().address(dev.mailgate.policy.MailProtocol.SMTP)
        .orElseThrow().port()).isEqualTo(25);
    assertThat(c.backend("postfix").orElseThrow()
        .address(dev.mailgate.policy.MailProtocol.SUBMISSION).orElseThrow().port()).isEqualTo(587);
    assertThat(c.backend("dovecot").orElseThrow().tls().verify())
        .as("system CAs when BACKEND_CA_FILE is unset")
        .isEqualTo(dev.mailgate.config.model.VerifyMode.SYSTEM);
    assertThat(c.relay().acceptedDomains()).containsExactly("example.org");
    assertThat(c.listeners()).extracting(l -> l.bind().port())
        .containsExactlyInAnyOrder(3025, 3587, 3465, 3143, 3993, 3110, 3995);
  }
}

package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolationTest {
  private static LoadResult parse(String yaml, Map<String, String> env) {
    return ConfigLoader.parse("t.yaml", yaml, Path.of("/etc/mailgate"), env);
  }

  @Test
  void variablesAndDefaultsAreReplaced() {
    var c = parse("server: { hostname: \"mx.${DOMAIN}\", data_dir: \"${DIR:-/srv/mg}\" }",
        Map.of("DOMAIN", "example.org")).config().orElseThrow();
    assertThat(c.server().hostname()).isEqualTo("mx.example.org");
    assertThat(c.server().dataDir()).isEqualTo(Path.of("/srv/mg"));
  }

  @Test
  void anEmptyVariableTakesTheDefaultLikeAShell() {
    var c = parse("server: { hostname: \"${H:-fallback}\" }", Map.of("H", ""))
        .config().orElseThrow();
    assertThat(c.server().hostname()).isEqualTo("fallback");
  }

  @Test
  void doubledDollarIsALiteralDollar() {
    var c = parse("server: { hostname: \"a$${B}\" }", Map.of()).config().orElseThrow();
    assertThat(c.server().hostname()).isEqualTo("a${B}");
  }

  @Test
  void anUnsetVariableIsAnErrorAtTheValue() {
    LoadResult r = parse("server:\n  hostname: ${NOPE}\n", Map.of());
    assertThat(r.formatErrors()).isEqualTo("t.yaml:2:13: environment variable NOPE is not set"
        + " (use ${NOPE:-default} for a default)");
  }

  @Test
  void relativePathsResolveAgainstTheConfigDirectory() {
    var c = parse("server: { data_dir: state }", Map.of()).config().orElseThrow();
    assertThat(c.server().dataDir()).isEqualTo(Path.of("/etc/mailgate/state"));
  }

  @Test
  void aCommaSeparatedVariableFillsAList() {
    var c = parse("relay: { accepted_domains: \"${D}\" }", Map.of("D", "a.org, b.org"))
        .config().orElseThrow();
    assertThat(c.relay().acceptedDomains()).containsExactly("a.org", "b.org");
  }
}

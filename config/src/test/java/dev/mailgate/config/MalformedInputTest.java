package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever the file holds, loading answers with errors, never an exception. */
class MalformedInputTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "just a scalar",
      "- a list\n- at the root\n",
      "listeners: 42",
      "listeners: [1, [2], {x: 3}]",
      "server: [a, b]",
      "base: &b {hostname: x}\nserver: *b\n",
      "\tserver: tabs\n",
      "server: {hostname: \"unterminated\n",
      "routes: [{target: 'backend:'}]",
      "backends: [{name: b, host: h, port: 99999999999}]",
      "policies: {rate_limits: [{count: bytes, per: ip, rate: 1/0s}]}",
      "server: {hostname: ${}}",
      "server: {hostname: \"${UNCLOSED\"}",
      "a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: {l: {m: {n: {o: {p: {q: {r: {s: {t: {u: {v:"
          + " {w: {x: {y: {z: {aa: {bb: {cc: {dd: {ee: {ff: {gg: {hh: 1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
  })
  void malformedFilesGiveErrorsNotExceptions(String yaml) {
    LoadResult r = ConfigLoader.parse("bad.yaml", yaml, Path.of("/tmp"), Map.of());
    assertThat(r.ok()).isFalse();
    assertThat(r.errors()).allSatisfy(e -> assertThat(e.format()).matches("bad\\.yaml:\\d+:\\d+: .+"));
  }
}

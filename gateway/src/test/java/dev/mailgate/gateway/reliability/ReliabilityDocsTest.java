package dev.mailgate.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of an ordinary test run stays under the build directory; the tracked document is
 * rewritten only when asked ({@link ReliabilityDocs#REFRESH}).
 */
class ReliabilityDocsTest {

  @TempDir Path dir;

  @Test
  void anOrdinaryRunWritesUnderTargetOnlyAndARefreshAlsoRewritesTheDoc() throws Exception {
    Path classes = dir.resolve("test-classes");
    Path pkg = classes.resolve(ReliabilityDocs.class.getPackageName().replace('.', '/'));
    Files.createDirectories(pkg);
    // one real case class is "compiled" here: the renderer loads it by name to find its cases
    Files.write(pkg.resolve(SlowClientTest.class.getSimpleName() + ".class"), new byte[0]);
    Path tsv = Files.createDirectories(dir.resolve("reliability"));
    Files.writeString(tsv.resolve("SlowClientTest.tsv"), "aCase\tsmtp\tinput\texpect\tPASS\tseen\n");
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Path doc = Files.writeString(docs.resolve("reliability.md"), "tracked, unchanged\n");

    assertThat(ReliabilityDocs.generateIfComplete(tsv, classes, docs, false))
        .containsExactly(tsv.resolve("reliability.md"));
    assertThat(Files.readString(doc)).isEqualTo("tracked, unchanged\n");
    assertThat(Files.readString(tsv.resolve("reliability.md"), StandardCharsets.UTF_8))
        .contains("| SlowClientTest | aCase | smtp | input | expect | PASS | seen |")
        .contains(ReliabilityDocs.REFRESH_COMMAND);

    assertThat(ReliabilityDocs.generateIfComplete(tsv, classes, docs, true))
        .containsExactly(tsv.resolve("reliability.md"), doc);
    assertThat(Files.readString(doc)).isEqualTo(Files.readString(tsv.resolve("reliability.md")));
  }
}

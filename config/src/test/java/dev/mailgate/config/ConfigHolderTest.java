package dev.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.config.model.MailgateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigHolderTest {
  @TempDir Path dir;

  private static final String TWO = """
      listeners:
        - { name: imap, protocol: imap, bind: "0.0.0.0:3143" }
        - { name: pop3, protocol: pop3, bind: "0.0.0.0:3110" }
      """;

  private ConfigHolder open(String yaml) throws Exception {
    Path f = dir.resolve("m.yaml");
    Files.writeString(f, yaml);
    return ConfigHolder.open(f, Map.of()).holder().orElseThrow();
  }

  @Test
  void reloadSwapsTheSnapshotAndDiffsListenersByName() throws Exception {
    ConfigHolder h = open(TWO);
    MailgateConfig before = h.current();
    Files.writeString(h.file(), """
        listeners:
          - { name: imap, protocol: imap, bind: "0.0.0.0:3143", limits: { max_errors: 3 } }
          - { name: smtp, protocol: smtp, bind: "0.0.0.0:3025" }
        """);
    ReloadResult r = h.reload();
    assertThat(r).isInstanceOf(ReloadResult.Applied.class);
    ListenerDiff d = ((ReloadResult.Applied) r).listeners();
    assertThat(d.added()).extracting(l -> l.name()).containsExactly("smtp");
    assertThat(d.removed()).extracting(l -> l.name()).containsExactly("pop3");
    assertThat(d.changed()).singleElement().satisfies(c -> {
      assertThat(c.after().name()).isEqualTo("imap");
      assertThat(c.needsRebind()).as("a limit change keeps the socket").isFalse();
    });
    assertThat(h.current()).isNotSameAs(before);
    assertThat(before.listener("pop3")).as("the old snapshot is untouched").isPresent();
  }

  @Test
  void aBadNewFileKeepsTheRunningConfigurationAndSaysWhy() throws Exception {
    ConfigHolder h = open(TWO);
    MailgateConfig before = h.current();
    Files.writeString(h.file(), "listeners:\n  - { name: imap, protocol: imapx, bind: \"1\" }\n");
    ReloadResult r = h.reload();
    assertThat(r).isInstanceOf(ReloadResult.Rejected.class);
    assertThat(((ReloadResult.Rejected) r).formatErrors()).contains(":2:29: ")
        .contains("unknown value 'imapx'");
    assertThat(h.current()).isSameAs(before);
  }

  @Test
  void anIdenticalFileIsUnchangedAndNotifiesNobody() throws Exception {
    ConfigHolder h = open(TWO);
    List<ReloadResult.Applied> seen = new CopyOnWriteArrayList<>();
    h.onApplied(seen::add);
    Files.writeString(h.file(), "# a comment\n" + TWO);
    assertThat(h.reload()).isInstanceOf(ReloadResult.Unchanged.class);
    assertThat(seen).isEmpty();
  }

  @Test
  void aRebindIsNeededWhenTheAddressChanges() {
    var a = ConfigLoader.parse("a", TWO, dir, Map.of()).config().orElseThrow().listeners();
    var b = ConfigLoader.parse("b", TWO.replace("3143", "4143"), dir, Map.of()).config()
        .orElseThrow().listeners();
    ListenerDiff d = ListenerDiff.between(a, b);
    assertThat(d.changed()).singleElement().satisfies(c -> assertThat(c.needsRebind()).isTrue());
    assertThat(d.unchanged()).containsExactly("pop3");
  }

  /** What a test does to the file while a watcher looks at it. */
  private interface FileChange {
    void apply(Path file) throws Exception;
  }

  /** Starts a watcher, makes the change and waits until the watcher applied a reload. */
  private static void watchUntilApplied(ConfigHolder h, FileChange change) throws Exception {
    CountDownLatch applied = new CountDownLatch(1);
    try (ConfigWatcher w = ConfigWatcher.start(h, Duration.ofMillis(50), Duration.ofMillis(100),
        r -> {
          if (r instanceof ReloadResult.Applied) {
            applied.countDown();
          }
        })) {
      change.apply(h.file());
      assertThat(applied.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void theWatcherReloadsWhenTheFileChanges() throws Exception {
    ConfigHolder h = open(TWO);
    watchUntilApplied(h, f -> Files.writeString(f, TWO.replace("pop3, protocol: pop3", "pop3s, protocol: pop3")));
    assertThat(h.current().listener("pop3s")).isPresent();
  }

  /**
   * A deployment that renames a new file over the old one, keeping its size and modification time
   * (`cp -p` then `mv`, or a configuration map's swapped link): only the file key tells.
   */
  @Test
  void theWatcherReloadsAFileRenamedOverTheOldOneWithTheSameSizeAndTime() throws Exception {
    ConfigHolder h = open(TWO);
    String changed = TWO.replace("0.0.0.0:3110", "0.0.0.0:3111");
    assertThat(changed).hasSameSizeAs(TWO);
    watchUntilApplied(h, f -> {
      Path next = dir.resolve("m.yaml.new");
      Files.writeString(next, changed);
      Files.setLastModifiedTime(next, Files.getLastModifiedTime(f));
      Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    });
    assertThat(h.current().listener("pop3").orElseThrow().bind().port()).isEqualTo(3111);
  }
}

package dev.mailgate.mailbox.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety under SIGKILL: a child JVM delivers in a loop and prints each acknowledged UID; it
 * is killed with {@code destroyForcibly()} (SIGKILL) at random moments, several times, over the
 * same data directory. Afterwards every acknowledged message must be present and byte-identical,
 * SQLite's integrity check must pass, and recovery must have left no temp or orphaned body files.
 */
class DurabilityTest {
  static final int KILLS = 5;
  static final Pattern ACK = Pattern.compile("ACK (\\d+) (\\d+)");

  @TempDir Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesKillNine() throws Exception {
    Random random = new Random();
    Map<Long, Long> acked = new HashMap<>(); // message number -> uid
    long next = 0;
    for (int round = 0; round < KILLS; round++) {
      Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
          DurabilityChild.class.getName(), dir.toString(), Long.toString(next))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(out.readLine()).isEqualTo("READY");
      long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(2500));
      Thread reader = new Thread(() -> {
        try {
          String line;
          while ((line = out.readLine()) != null) {
            Matcher m = ACK.matcher(line);
            if (m.matches()) {
              synchronized (acked) {
                acked.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
              }
            }
          }
        } catch (IOException ignored) {
          // the pipe breaks when the child dies
        }
      });
      reader.start();
      while (System.nanoTime() < killAt) {
        Thread.sleep(10);
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      synchronized (acked) {
        next = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(next) + 100;
      }
    }
    assertThat(acked).as("the child acknowledged appends before being killed").isNotEmpty();

    try (SqliteMailStore store = SqliteMailStore.open(dir, StoreLimits.defaults())) {
      MailboxId inbox = store.mailbox(DurabilityChild.USER, MailboxName.INBOX).block().id();
      List<MessageMeta> present = store.messages(inbox, UidSet.all()).collectList().block(Duration.ofSeconds(30));
      Map<Long, MessageMeta> byUid = new HashMap<>();
      present.forEach(m -> byUid.put(m.uid(), m));
      for (Map.Entry<Long, Long> e : acked.entrySet()) {
        byte[] expected = DurabilityChild.message(e.getKey());
        assertThat(byUid).as("acknowledged message %d (uid %d)", e.getKey(), e.getValue()).containsKey(e.getValue());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        store.content(inbox, e.getValue(), ByteRange.ALL).doOnNext(b -> {
          byte[] a = new byte[b.remaining()];
          b.get(a);
          got.writeBytes(a);
        }).blockLast(Duration.ofSeconds(30));
        assertThat(got.toByteArray()).as("content of message %d", e.getKey()).isEqualTo(expected);
      }
      System.out.printf("durability: %d kills, %d acknowledged, %d present (unacknowledged but committed"
          + " may exist), 0 lost%n", KILLS, acked.size(), present.size());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
      assertThat(tmp).as("recovery removed temp files").isEmpty();
    }
    long referenced;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(DISTINCT body_id) FROM messages WHERE body_id NOT LIKE 'i-%'")) {
      referenced = rs.getLong(1);
    }
    try (Stream<Path> bodies = Files.walk(dir.resolve("bodies"))) {
      assertThat(bodies.filter(Files::isRegularFile).count()).as("no orphaned body files").isEqualTo(referenced);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

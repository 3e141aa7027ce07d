package dev.mailgate.policy.route.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mailgate.policy.MailProtocol;
import dev.mailgate.policy.net.IpLiterals;
import dev.mailgate.policy.route.RouteFacts;
import dev.mailgate.policy.route.RouteTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

class FileLookupTest {
  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong();
  private final Ticker ticker = now::get;

  private static LookupQuery q(String user) {
    return LookupQuery.of(RouteFacts.forUser(user, "imap", MailProtocol.IMAP,
        IpLiterals.parse("127.0.0.1").orElseThrow(), true));
  }

  @Test
  void csvMapsUsersAndDomainsAndReportsBadLines() throws Exception {
    Path f = Files.writeString(dir.resolve("users.csv"), """
        # user or domain, target
        alice@example.org, backend:imap1
        example.net,pool:p
        broken line
        bob@example.org,nowhere
        """);
    FileLookup.Table t = FileLookup.parse(f);
    assertThat(t.entries()).containsEntry("alice@example.org", new RouteTarget.Backend("imap1"))
        .containsEntry("example.net", new RouteTarget.Pool("p")).hasSize(2);
    assertThat(t.problems()).hasSize(2).first().asString().startsWith("line 4: expected KEY,TARGET");
  }

  @Test
  void tsvIsTabSeparated() throws Exception {
    Path f = Files.writeString(dir.resolve("users.tsv"), "Carol@Example.org\tlocal\n");
    FileLookup l = FileLookup.open("t", f, Schedulers.immediate(), ticker, Duration.ofSeconds(5));
    assertThat(l.find(q("carol@example.org")).block())
        .isEqualTo(LookupResult.Found.of(new RouteTarget.Local()));
  }

  @Test
  void aChangedFileIsReadAgainAfterTheCheckInterval() throws Exception {
    Path f = Files.writeString(dir.resolve("users.csv"), "alice@example.org,backend:old\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
    FileLookup l = FileLookup.open("t", f, Schedulers.immediate(), ticker, Duration.ofSeconds(5));
    Files.writeString(f, "alice@example.org,backend:new\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(2_000_000));

    assertThat(l.find(q("alice@example.org")).block())
        .as("not checked before the interval").isEqualTo(
            LookupResult.Found.of(new RouteTarget.Backend("old")));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    l.find(q("alice@example.org")).block(); // schedules the check (immediate scheduler: runs now)
    assertThat(l.find(q("alice@example.org")).block())
        .isEqualTo(LookupResult.Found.of(new RouteTarget.Backend("new")));
  }

  @Test
  void aVanishedFileKeepsTheLastTable() throws Exception {
    Path f = Files.writeString(dir.resolve("users.csv"), "alice@example.org,local\n");
    FileLookup l = FileLookup.open("t", f, Schedulers.immediate(), ticker, Duration.ofSeconds(1));
    Files.delete(f);
    assertThat(l.refreshIfChanged()).isFalse();
    assertThat(l.size()).isEqualTo(1);
  }
}

package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.UserStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDomainIndexTest {

  @TempDir Path dir;

  @Test
  void addingAUserMakesItsDomainLocalWithoutARestart() {
    try (UserStore users = UserStore.open(dir, new Argon2id.Params(64, 1, 1), 1)) {
      LocalDomainIndex index = new LocalDomainIndex(users, List.of("Accepted.Test."), Duration.ofMillis(100));
      assertThat(index.isLocal("accepted.test").block()).isTrue();
      assertThat(index.isLocal("example.test").block()).isFalse();
      users.add("me@Example.Test", "pw".toCharArray()).block(Duration.ofSeconds(30));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> index.isLocal("example.test").block());
      index.accepted(List.of());
      assertThat(index.isLocal("accepted.test").block()).isFalse();
    }
  }

  @Test
  void domainOfTakesTheLastAt() {
    assertThat(LocalDomainIndex.domainOf("\"a@b\"@Host.Test.")).isEqualTo("host.test");
    assertThat(LocalDomainIndex.domainOf("nodomain")).isNull();
    assertThat(LocalDomainIndex.domainOf("trailing@")).isNull();
  }
}

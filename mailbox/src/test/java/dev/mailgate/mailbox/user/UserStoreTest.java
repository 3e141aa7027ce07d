package dev.mailgate.mailbox.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailgate.mailbox.store.MailStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {
  static final Duration T = Duration.ofSeconds(30);
  /** Produced by Dovecot 2.3's {@code doveadm pw -s <scheme> -p 'sesame 1'} on this machine. */
  static final String DOVECOT_PASSWD = String.join("\n",
      "# exported from dovecot",
      "argon:{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$IkKi5h2y42xWmPp+9pI1Fg$+TjIFYhd2tfqPIhGNtvNVNrVU4374YloHvlBEopEla4:1000:1000::/home/argon::userdb_quota_rule=*:storage=1G",
      "blf:{BLF-CRYPT}$2y$05$TyA43Yj9zK19tHsCnLIw/u6Ds6cnpQvnI50LPd7QbG0jHQBZq7vKO:1001:1001::/home/blf::",
      "sha512:{SHA512-CRYPT}$6$avjNkqnmwCW3AWsz$XdVOouF5AvGdSveUPkEXYBuqeDddT/5KeknC/o7WdIBn4ZLvZsOxNAsvv.WMX8ybxtatHB.povAXK51u4.Qtj0:1002:1002::/home/sha512::",
      "rounds:{SHA512-CRYPT}$6$rounds=7000$f7zuOd7iU/zSda/9$.qM28Vm8.NS31b3lQ7tXy6f1JJ7DJX2qBI.N8czJO68B6I4JVGANVq5rBrqzCWaSxn07N1obyLjLp/cCEVFog/:1003:1003::/home/r::",
      "sha256:{SHA256-CRYPT}$5$63y004GnNieUKUos$07yj0n46j6W5ZjhnyyZTsJoE90C1dRWP/Ttj8uoO4I3:1004:1004::/home/sha256::",
      "",
      "md5:{PLAIN-MD5}1a1dc91c907325c69271ddf0c944bc72:1005:1005::/home/md5::",
      "noscheme:$6$abc$def:1006:1006::/home/x::",
      "badbcrypt:{BLF-CRYPT}$2y$05$short:1007:1007::/home/y::");

  @TempDir Path dir;
  UserStore users;

  @BeforeEach
  void open() {
    users = UserStore.open(dir, new Argon2id.Params(1024, 1, 1), 2);
  }

  @AfterEach
  void close() {
    users.close();
  }

  @Test
  void addedUserVerifiesWithItsPasswordOnlyAndIsStoredAsArgon2idPhc() {
    users.add("alice@example.org", "correct horse".toCharArray()).block(T);
    assertThat(users.verify("alice@example.org", "correct horse".toCharArray()).block(T)).isTrue();
    assertThat(users.verify("ALICE@example.org", "correct horse".toCharArray()).block(T)).isTrue();
    assertThat(users.verify("alice@example.org", "wrong".toCharArray()).block(T)).isFalse();
    assertThat(users.verify("nobody@example.org", "correct horse".toCharArray()).block(T)).isFalse();
    assertThat(users.list().collectList().block(T))
        .containsExactly(new UserStore.UserInfo("alice@example.org", PasswordScheme.ARGON2ID, List.of()));
  }

  /**
   * A verified password is remembered against the stored hash, so a password changed by another
   * process ({@code mailgate user passwd} while the server runs) takes effect at once.
   */
  @Test
  void aPasswordChangedByAnotherProcessIsRefusedAtOnceDespiteTheVerificationCache() {
    users.add("carol", "old secret".toCharArray()).block(T);
    assertThat(users.verify("carol", "old secret".toCharArray()).block(T)).isTrue();
    assertThat(users.verify("carol", "old secret".toCharArray()).block(T)).as("remembered").isTrue();
    try (UserStore cli = UserStore.open(dir, new Argon2id.Params(1024, 1, 1), 1)) {
      cli.passwd("carol", "new secret".toCharArray()).block(T);
    }
    assertThat(users.verify("carol", "old secret".toCharArray()).block(T)).isFalse();
    assertThat(users.verify("carol", "new secret".toCharArray()).block(T)).isTrue();
    try (UserStore cli = UserStore.open(dir, new Argon2id.Params(1024, 1, 1), 1)) {
      cli.delete("carol").block(T);
    }
    assertThat(users.verify("carol", "new secret".toCharArray()).block(T)).as("deleted").isFalse();
  }

  @Test
  void passwdReplacesThePasswordAndDelRemovesUserAndAliases() {
    users.add("bob", "one".toCharArray()).block(T);
    users.addAlias("robert@example.org", "bob").block(T);
    users.passwd("bob", "two".toCharArray()).block(T);
    assertThat(users.verify("bob", "one".toCharArray()).block(T)).isFalse();
    assertThat(users.verify("bob", "two".toCharArray()).block(T)).isTrue();
    assertThat(users.resolve("Robert@Example.org").block(T)).isEqualTo("bob");
    users.delete("bob").block(T);
    assertThat(users.resolve("robert@example.org").block(T)).isNull();
    assertThat(users.list().collectList().block(T)).isEmpty();
  }

  @Test
  void duplicateUsersAndAliasesAreRefused() {
    users.add("carol", "pw".toCharArray()).block(T);
    users.add("dave", "pw".toCharArray()).block(T);
    assertThatThrownBy(() -> users.add("CAROL", "pw".toCharArray()).block(T))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.ALREADY_EXISTS));
    assertThatThrownBy(() -> users.addAlias("dave", "carol").block(T)).isInstanceOf(MailStoreException.class);
    assertThatThrownBy(() -> users.addAlias("x@y", "nobody").block(T))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.NO_SUCH_USER));
  }

  @Test
  void removeAliasStopsResolvingAndAMissingAliasIsNoSuchUser() {
    users.add("erin@example.org", "pw".toCharArray()).block(T);
    users.addAlias("sales@example.org", "erin@example.org").block(T);
    users.removeAlias("SALES@example.org").block(T);
    assertThat(users.resolve("sales@example.org").block(T)).isNull();
    assertThat(users.resolve("erin@example.org").block(T)).isEqualTo("erin@example.org");
    assertThatThrownBy(() -> users.removeAlias("sales@example.org").block(T))
        .isInstanceOfSatisfying(MailStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(MailStoreException.Reason.NO_SUCH_USER));
  }

  @Test
  void earliestUserIsTheFirstCreatedOfTheDomainInAnyCaseOrOfAll() {
    assertThat(users.earliestUser(null).block(T)).isNull();
    users.add("zed@b.example", "pw".toCharArray()).block(T);
    users.add("yan@a.example", "pw".toCharArray()).block(T);
    users.add("abe@a.example", "pw".toCharArray()).block(T);
    users.add("x@sub.a.example", "pw".toCharArray()).block(T);
    assertThat(users.earliestUser("A.Example").block(T)).isEqualTo("yan@a.example");
    assertThat(users.earliestUser("b.example").block(T)).isEqualTo("zed@b.example");
    assertThat(users.earliestUser("example").block(T)).isNull();
    assertThat(users.earliestUser("c.example").block(T)).isNull();
    assertThat(users.earliestUser(null).block(T)).isEqualTo("zed@b.example");
    users.delete("yan@a.example").block(T);
    assertThat(users.earliestUser("a.example").block(T)).isEqualTo("abe@a.example");
  }

  @Test
  void dovecotImportKeepsEachHashAndVerifiesAgainstIt() throws IOException {
    Path file = dir.resolve("passwd");
    Files.writeString(file, DOVECOT_PASSWD);
    UserStore.ImportReport r = users.importDovecot(file).block(T);
    assertThat(r.imported()).isEqualTo(5);
    assertThat(r.rejected()).extracting(DovecotPasswdFile.Rejected::user)
        .containsExactly("md5", "noscheme", "badbcrypt");
    for (String u : List.of("argon", "blf", "sha512", "rounds", "sha256")) {
      assertThat(users.verify(u, "sesame 1".toCharArray()).block(T)).as(u).isTrue();
      assertThat(users.verify(u, "sesame 2".toCharArray()).block(T)).as(u).isFalse();
    }
    assertThat(users.list().collectList().block(T)).extracting(UserStore.UserInfo::scheme)
        .contains(PasswordScheme.ARGON2ID, PasswordScheme.BLF_CRYPT, PasswordScheme.SHA512_CRYPT,
            PasswordScheme.SHA256_CRYPT);
    // after passwd the user is on Argon2id
    users.passwd("sha256", "new".toCharArray()).block(T);
    assertThat(users.verify("sha256", "new".toCharArray()).block(T)).isTrue();
  }

  @Test
  void verificationRunsOffTheCallersThread() {
    users.add("erin", "pw".toCharArray()).block(T);
    String[] thread = new String[1];
    users.verify("erin", "pw".toCharArray()).doOnNext(ok -> thread[0] = Thread.currentThread().getName()).block(T);
    assertThat(thread[0]).startsWith("userstore");
  }

  @Test
  void argon2idPhcStringHasTheStandardShapeAndRejectsTamperedOrCostlyParameters() {
    String phc = new Argon2id(new Argon2id.Params(1024, 2, 1)).hash("pw".toCharArray());
    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=1024,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(Argon2id.verify(phc, "pw".toCharArray())).isTrue();
    assertThat(Argon2id.verify(phc.replace("t=2", "t=3"), "pw".toCharArray())).isFalse();
    assertThat(Argon2id.verify(phc.replace("m=1024", "m=99999999"), "pw".toCharArray())).isFalse();
    assertThat(Argon2id.verify("$argon2id$garbage", "pw".toCharArray())).isFalse();
  }
}

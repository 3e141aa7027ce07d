package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The superiors CREATE makes for a nested name (RFC 3501 section 6.3.3, RFC 9051 section 6.3.4)
 * are \Noselect placeholders, as Dovecot 2.3 and Cyrus list them, not mailboxes the user never
 * asked for; each sequence was run against Dovecot first. Proved over a real socket against a
 * started listener and a fresh store.
 */
class LocalImapImplicitParentsTest {
  @TempDir Path dir;

  private static final String LOGIN = """
      S: \\* OK .*
      C: a LOGIN alice secret
      S: a OK .*
      C: c1 CREATE a/b/c
      S: c1 OK .*
      """;

  private void run(String script) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      Transcript.of(LOGIN + script).run(server.address());
    }
  }

  @Test
  void createOfANestedNameListsItsMissingSuperiorsAsNoselect() {
    run("""
        C: l1 LIST "" a*
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "a"
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "a/b"
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "a/b/c"
        S: l1 OK LIST completed
        C: l2 LIST "" a/%/%
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "a/b/c"
        S: l2 OK LIST completed
        C: l3 LIST "" a/% RETURN (STATUS (MESSAGES))
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "a/b"
        S: l3 OK LIST completed
        """);
  }

  @Test
  void aPlaceholderSuperiorHasNoStatusAndCannotBeSelectedOrAppendedTo() {
    // Dovecot answers NO "Mailbox doesn't exist" to STATUS and SELECT, NO [TRYCREATE] to APPEND.
    run("""
        C: s1 STATUS a/b (MESSAGES)
        S: s1 NO .*
        C: s2 SELECT a/b
        S: s2 NO .*
        C: s3 EXAMINE a
        S: s3 NO .*
        C: s4 APPEND a/b {3+}
        C: abc
        S: s4 NO \\[TRYCREATE\\] .*
        """);
  }

  @Test
  void createOfAPlaceholderNameMakesItARealMailbox() {
    run("""
        C: c2 CREATE a/b
        S: c2 OK .*
        C: l1 LIST "" a/%
        S: \\* LIST \\(\\\\HasChildren\\) "/" "a/b"
        S: l1 OK LIST completed
        C: s1 STATUS a/b (MESSAGES)
        S: \\* STATUS "a/b" \\(MESSAGES 0\\)
        S: s1 OK STATUS completed
        C: c3 CREATE a/b
        S: c3 NO \\[ALREADYEXISTS\\] .*
        """);
  }

  @Test
  void deleteOfTheLastChildTakesItsPlaceholderSuperiorsWithIt() {
    // Dovecot: CREATE qq.r.s, DELETE qq.r.s, and LIST "" qq* lists nothing.
    run("""
        C: d1 DELETE a/b/c
        S: d1 OK .*
        C: l1 LIST "" a*
        S: l1 OK LIST completed
        C: s1 STATUS a (MESSAGES)
        S: s1 NO .*
        """);
  }

  @Test
  void renameOfTheOnlyChildLeavesNoPlaceholdersAndPlacesTheNewSuperiors() {
    run("""
        C: r1 RENAME a/b/c z/y/c
        S: r1 OK .*
        C: l1 LIST "" a*
        S: l1 OK LIST completed
        C: l2 LIST "" z*
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "z"
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "z/y"
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "z/y/c"
        S: l2 OK LIST completed
        """);
  }

  @Test
  void renameOfAPlaceholderMovesItsChildren() {
    run("""
        C: r1 RENAME a/b a/x
        S: r1 OK .*
        C: l1 LIST "" a*
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "a"
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "a/x"
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "a/x/c"
        S: l1 OK LIST completed
        """);
  }

  @Test
  void createWithATrailingDelimiterMakesARealMailbox() {
    run("""
        C: c2 CREATE w/
        S: c2 OK .*
        C: l1 LIST "" w*
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "w"
        S: l1 OK LIST completed
        C: c3 CREATE p/q/
        S: c3 OK .*
        C: l2 LIST "" p*
        S: \\* LIST \\(\\\\Noselect \\\\HasChildren\\) "/" "p"
        S: \\* LIST \\(\\\\HasNoChildren\\) "/" "p/q"
        S: l2 OK LIST completed
        """);
  }
}

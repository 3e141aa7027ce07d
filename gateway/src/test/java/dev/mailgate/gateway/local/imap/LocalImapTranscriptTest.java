package dev.mailgate.gateway.local.imap;

import dev.mailgate.gateway.testing.Transcript;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden transcripts, one per command group (files in {@code src/test/resources/imap/}), each run
 * over a real socket against a started listener and a fresh SqliteMailStore whose INBOX holds three
 * messages: 1 unflagged (RFC 3501 section 8's "afternoon meeting"), 2 \Seen (multipart with an
 * attachment), 3 \Flagged.
 */
class LocalImapTranscriptTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "rfc3501-section8", "any-state", "auth", "mailboxes", "select", "fetch", "store-copy-move",
      "search", "append", "enable-idle-quota", "condstore-qresync", "extensions", "empty-mailbox",
      "searchres", "utf8-accept", "sort-thread"})
  void transcriptPasses(String name) {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.of(SystemFlag.SEEN));
      server.deliver("INBOX", LocalImapServer.MESSAGE_3, Flags.of(SystemFlag.FLAGGED));
      Transcript.resource("imap/" + name + ".txt").run(server.address());
    }
  }
}

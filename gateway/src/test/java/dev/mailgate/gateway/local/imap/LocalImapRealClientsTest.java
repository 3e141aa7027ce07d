package dev.mailgate.gateway.local.imap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.FlagUpdate;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real IMAP clients against the local tier, run as processes over a real socket: Python's imaplib
 * doing what a mail client does on sync (LIST, SELECT, header FETCH, partial BODY.PEEK, STORE, UID
 * SEARCH, COPY, MOVE, EXPUNGE, IDLE with a second session appending), and isync's mbsync (Debian
 * package {@code isync}) syncing a Maildir both ways. Each client checks the answers it gets; the
 * test then checks the store (or the Maildir) holds what the client did.
 */
class LocalImapRealClientsTest {
  /** Bound on one client run; a run normally takes about a second. */
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private record Run(int exit, String output) {}

  @Test
  void pythonImaplibSyncsLikeAMailClient() throws Exception {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      deliverTheThree(server);
      Path script = dir.resolve("imaplib_sync.py");
      try (InputStream in = getClass().getResourceAsStream("/imap/imaplib_sync.py")) {
        Files.copy(in, script);
      }
      Run run = run(List.of("python3", script.toString(), "127.0.0.1",
          Integer.toString(server.address().getPort()), LocalImapServer.USER, LocalImapServer.PASSWORD));
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("imaplib sync OK");

      // 1 moved to Trash (seen, with its keyword), 3 copied to Archive then expunged, 4 appended.
      List<MessageMeta> inbox = messages(server, "INBOX");
      assertThat(inbox).extracting(MessageMeta::uid).containsExactly(2L, 4L);
      assertThat(inbox.get(1).flags().has(SystemFlag.FLAGGED)).isTrue();
      List<MessageMeta> trash = messages(server, "Trash");
      assertThat(trash).hasSize(1);
      assertThat(trash.get(0).flags().has(SystemFlag.SEEN)).isTrue();
      assertThat(trash.get(0).flags().hasKeyword("$Important")).isTrue();
      assertThat(messages(server, "Archive")).hasSize(1);
    }
  }

  @Test
  void mbsyncSyncsAMaildirBothWays() throws Exception {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      deliverTheThree(server);
      Path maildir = Files.createDirectories(dir.resolve("maildir"));
      Path inbox = maildir.resolve("INBOX");
      Path config = dir.resolve("mbsyncrc");
      Files.writeString(config, String.join("\n",
          "IMAPAccount local",
          "Host 127.0.0.1",
          "Port " + server.address().getPort(),
          "User " + LocalImapServer.USER,
          "Pass " + LocalImapServer.PASSWORD,
          "SSLType None",
          "AuthMechs LOGIN",
          "",
          "IMAPStore far",
          "Account local",
          "",
          "MaildirStore near",
          "Path " + maildir + "/",
          "Inbox " + inbox,
          "SubFolders Verbatim",
          "",
          "Channel sync",
          "Far :far:",
          "Near :near:",
          "Patterns *",
          "Create Both",
          "Expunge Both",
          "SyncState *",
          ""));
      List<String> mbsync = List.of("mbsync", "-c", config.toString(), "-a");

      // 1. Down: the three messages with their flags, and the special-use folders.
      Run first = run(mbsync);
      assertThat(first.exit()).as(first.output()).isZero();
      assertThat(maildirFlags(inbox)).containsExactlyInAnyOrder("", "S", "F");
      assertThat(maildir.resolve("Trash/cur")).isDirectory();
      assertThat(maildir.resolve("Archive/cur")).isDirectory();

      // 2. Up: a new message, the flagged one read, the seen one trashed, a new folder.
      Path fresh = inbox.resolve("new/1700000000.1_1.laptop");
      Files.writeString(fresh, "From: alice@example.org\r\nSubject: from the laptop\r\n\r\nhi\r\n");
      renameFlags(inbox, "F", "FS");
      renameFlags(inbox, "S", "ST");
      Path projects = maildir.resolve("Projects");
      for (String sub : List.of("cur", "new", "tmp")) {
        Files.createDirectories(projects.resolve(sub));
      }
      Files.writeString(projects.resolve("new/1700000001.2_1.laptop"), "Subject: plan\r\n\r\nplan\r\n");
      Run second = run(mbsync);
      assertThat(second.exit()).as(second.output()).isZero();
      List<MessageMeta> far = messages(server, "INBOX");
      assertThat(far).extracting(MessageMeta::uid).containsExactly(1L, 3L, 4L);
      assertThat(far.get(1).flags()).isEqualTo(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN));
      assertThat(messages(server, "Projects")).hasSize(1);

      // 3. Down again: a delivery and a flag set on the server reach the Maildir.
      server.deliver("INBOX", "Subject: later\r\n\r\nlater\r\n", Flags.NONE);
      server.store.store(server.mailbox("INBOX"), UidSet.of(1), FlagUpdate.add(Flags.of(SystemFlag.ANSWERED)))
          .block(Duration.ofSeconds(10));
      Run third = run(mbsync);
      assertThat(third.exit()).as(third.output()).isZero();
      assertThat(maildirFlags(inbox)).containsExactlyInAnyOrder("R", "FS", "", "");
      assertThat(maildirBodies(inbox)).anyMatch(b -> b.contains("Subject: later"));
    }
  }

  private static void deliverTheThree(LocalImapServer server) {
    server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
    server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.of(SystemFlag.SEEN));
    server.deliver("INBOX", LocalImapServer.MESSAGE_3, Flags.of(SystemFlag.FLAGGED));
  }

  private static List<MessageMeta> messages(LocalImapServer server, String mailbox) {
    return server.store.messages(server.mailbox(mailbox), UidSet.all()).collectList().block(Duration.ofSeconds(10));
  }

  /** The Maildir info flags ({@code :2,FS}) of every message in cur and new (new ones have none). */
  private static List<String> maildirFlags(Path folder) throws IOException {
    try (Stream<Path> files = Stream.concat(Files.list(folder.resolve("cur")), Files.list(folder.resolve("new")))) {
      return files.map(p -> p.getFileName().toString())
          .map(n -> n.contains(":2,") ? n.substring(n.indexOf(":2,") + 3) : "")
          .toList();
    }
  }

  private static List<String> maildirBodies(Path folder) throws IOException {
    try (Stream<Path> files = Stream.concat(Files.list(folder.resolve("cur")), Files.list(folder.resolve("new")))) {
      return files.map(p -> {
        try {
          return Files.readString(p, UTF_8);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  /**
   * Gives the one message of {@code folder} whose flags are exactly {@code from} the flags {@code
   * to}, moving it to cur as a mail reader does (mbsync leaves unseen messages in new).
   */
  private static void renameFlags(Path folder, String from, String to) throws IOException {
    try (Stream<Path> files = Stream.concat(Files.list(folder.resolve("cur")), Files.list(folder.resolve("new")))) {
      List<Path> matching = files.filter(p -> p.getFileName().toString().endsWith(":2," + from)).toList();
      assertThat(matching).hasSize(1);
      Path p = matching.get(0);
      String name = p.getFileName().toString();
      Files.move(p, folder.resolve("cur").resolve(name.substring(0, name.length() - from.length()) + to));
    }
  }

  private Run run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "client", ".out");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command.get(0) + " did not finish within " + CLIENT_TIMEOUT + ": "
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }
}

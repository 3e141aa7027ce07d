package dev.mailgate.mailbox.sort;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** What SORT and THREAD read of stored messages: the envelope, and References: from the header. */
class SortFieldsReaderTest {
  static final Duration T = Duration.ofSeconds(20);
  static final Instant ARRIVED = Instant.parse("2026-11-17T09:30:00Z");
  @TempDir Path dir;
  SqliteMailStore store;
  MailboxId inbox;
  SortFieldsReader reader;

  @BeforeEach
  void open() {
    store = SqliteMailStore.open(dir, StoreLimits.defaults());
    store.provision("s@example.org", Quota.unlimited()).block(T);
    inbox = store.mailbox("s@example.org", MailboxName.INBOX).block(T).id();
    reader = new SortFieldsReader(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  long append(String msg) {
    byte[] b = msg.getBytes(StandardCharsets.UTF_8);
    return store.append(inbox, new AppendRequest(Flags.NONE, ARRIVED.atOffset(java.time.ZoneOffset.ofHours(2)), b.length),
        Flux.just(ByteBuffer.wrap(b))).block(T).uid();
  }

  List<SortMessage> sortFields(boolean envelope) {
    return reader.sortFields(inbox, store.messages(inbox, UidSet.all()), envelope).collectList().block(T);
  }

  List<ThreadMessage> threadFields(boolean references) {
    return reader.threadFields(inbox, store.messages(inbox, UidSet.all()), references).collectList().block(T);
  }

  @Test
  void sortFieldsComeFromTheEnvelopeWithDecodedDisplayNamesAndTheDateInUtc() {
    append("Date: Sun, 31 Dec 2000 16:01:33 -0800\r\n"
        + "From: =?UTF-8?Q?J=C3=B6rg?= <Joerg@example.de>, second@example.org\r\n"
        + "To: team: <a@x.org>, b@y.org;, \"Doe, Jane\" <jane@example.org>\r\n"
        + "Cc: carol@example.org\r\nSubject: Re: [list] plans\r\n\r\nbody\r\n");
    SortMessage m = sortFields(true).get(0);
    assertThat(m.sent()).isEqualTo(Instant.parse("2001-01-01T00:01:33Z"));
    assertThat(m.arrival()).isEqualTo(ARRIVED);
    assertThat(m.subject()).isEqualTo("plans");
    assertThat(m.from()).isEqualTo("Joerg");
    assertThat(m.displayFrom()).isEqualTo("J\u00f6rg");
    assertThat(m.to()).as("the first mailbox of a group").isEqualTo("a");
    assertThat(m.displayTo()).isEqualTo("a@x.org");
    assertThat(m.cc()).isEqualTo("carol");
  }

  @Test
  void missingFieldsSortAsEmptyAndAMissingDateAsTheArrival() {
    append("To: undisclosed-recipients:;\r\n\r\nbody\r\n");
    SortMessage m = sortFields(true).get(0);
    assertThat(m.sent()).isEqualTo(ARRIVED);
    assertThat(List.of(m.subject(), m.from(), m.to(), m.cc(), m.displayFrom(), m.displayTo()))
        .containsOnly("");
  }

  @Test
  void arrivalAndSizeAloneReadNoEnvelope() {
    long uid = append("Subject: x\r\n\r\nbody\r\n");
    SortMessage m = sortFields(false).get(0);
    assertThat(m.uid()).isEqualTo(uid);
    assertThat(m.size()).isEqualTo("Subject: x\r\n\r\nbody\r\n".length());
    assertThat(m.subject()).isEmpty();
  }

  @Test
  void referencesAreReadFromTheHeaderAndWinOverInReplyTo() {
    append("Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x>\r\n <b2@x>\r\n"
        + "Subject: Fwd: hello\r\n\r\nbody\r\n");
    ThreadMessage m = threadFields(true).get(0);
    assertThat(m.messageId()).isEqualTo("c@x");
    assertThat(m.references()).containsExactly("a@x", "b2@x");
    assertThat(m.subject()).isEqualTo(new BaseSubject("hello", true));
  }

  @Test
  void withoutReferencesTheFirstIdOfInReplyToIsTheParent() {
    append("Message-ID: <c@x>\r\nIn-Reply-To: Fred's note <b@x> <z@x>\r\n\r\nbody\r\n");
    assertThat(threadFields(true).get(0).references()).containsExactly("b@x");
  }

  @Test
  void orderedSubjectReadsNoReferences() {
    append("Message-ID: <c@x>\r\nReferences: <a@x>\r\n\r\nbody\r\n");
    ThreadMessage m = threadFields(false).get(0);
    assertThat(m.references()).isEmpty();
    assertThat(m.messageId()).isEqualTo("c@x");
  }
}

package dev.mailgate.mailbox.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.search.SearchCriteria.DateOp;
import dev.mailgate.mailbox.sqlite.SqliteMailStore;
import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxName;
import dev.mailgate.mailbox.store.Quota;
import dev.mailgate.mailbox.store.StoreLimits;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchEvaluatorTest {
  static final Duration T = Duration.ofSeconds(20);
  @TempDir static java.nio.file.Path dir;
  SqliteMailStore store;
  SearchEvaluator search;
  MailboxId inbox;
  long plain;
  long german;
  long multipart;
  long big;

  @BeforeAll
  void fill() {
    store = SqliteMailStore.open(dir, StoreLimits.defaults());
    search = new SearchEvaluator(store);
    store.provision("s@example.org", Quota.unlimited()).block(T);
    inbox = store.mailbox("s@example.org", MailboxName.INBOX).block(T).id();
    plain = append("From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: Meeting agenda\r\n"
        + "Date: Fri, 1 Mar 2024 09:00:00 +0000\r\n\r\nLet's discuss the budget.\r\n",
        Flags.of(SystemFlag.SEEN), "2024-03-01T10:00:00Z");
    String b64 = Base64.getMimeEncoder().encodeToString("Grüße aus Köln, Straße".getBytes(StandardCharsets.UTF_8));
    german = append("From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\r\nTo: alice@example.org\r\nCc: carol@example.org\r\n"
        + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Sun, 10 Mar 2024 12:00:00 +0000\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n",
        new Flags(EnumSet.of(SystemFlag.FLAGGED), Set.of("$Important")), "2024-03-10T12:00:00Z");
    multipart = append("From: carol@example.org\r\nSubject: menu\r\nContent-Type: multipart/mixed; boundary=xx\r\n\r\n"
        + "--xx\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "un caf=C3=A9 au lait, s'il vous pla=\r\nit\r\n--xx\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getEncoder().encodeToString("secret budget".getBytes(StandardCharsets.US_ASCII))
        + "\r\n--xx--\r\n", Flags.NONE, "2024-04-01T00:00:00Z");
    StringBuilder body = new StringBuilder();
    while (body.length() < 64 * 1024 - 5) {
      body.append("filler text ");
    }
    body.setLength(64 * 1024 - 5);
    String head = "Subject: big\r\n\r\n";
    body.setLength(64 * 1024 - 5 - head.length());
    big = append(head + body + "needle-across-boundary" + "x".repeat(100_000) + "\r\n", Flags.NONE, "2024-05-01T00:00:00Z");
  }

  @AfterAll
  void close() {
    store.close();
  }

  long append(String msg, Flags flags, String internal) {
    return store.append(inbox, new AppendRequest(flags, OffsetDateTime.parse(internal), -1),
        Flux.just(ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)))).block(T).uid();
  }

  List<Long> find(SearchCriteria c) {
    return search.search(inbox, c, SequenceView.of(new long[] {plain, german, multipart, big}))
        .collectList().block(T);
  }

  @Test
  void flagsKeywordsAndBooleanOperators() {
    assertThat(find(new SearchCriteria.HasFlag(SystemFlag.SEEN, true))).containsExactly(plain);
    assertThat(find(new SearchCriteria.HasFlag(SystemFlag.SEEN, false))).containsExactly(german, multipart, big);
    assertThat(find(new SearchCriteria.HasKeyword("$important", true))).containsExactly(german);
    assertThat(find(new SearchCriteria.Or(new SearchCriteria.HasFlag(SystemFlag.SEEN, true),
        new SearchCriteria.HasFlag(SystemFlag.FLAGGED, true)))).containsExactly(plain, german);
    assertThat(find(new SearchCriteria.Not(new SearchCriteria.All()))).isEmpty();
  }

  @Test
  void sentDatesCompareTheDateTheHeaderShowsWhateverItsZone() {
    // RFC 3501 6.4.4: SENT* disregard time and timezone. In UTC these are 11 and 10 February.
    MailboxId box = store.create("s@example.org", MailboxName.of("Dates"), Set.of()).block(T).id();
    long west = append(box, "Subject: w\r\nDate: Thu, 10 Feb 1994 23:30:00 -0500\r\n\r\nx\r\n");
    long east = append(box, "Subject: e\r\nDate: Fri, 11 Feb 1994 01:00:00 +0200 (EET)\r\n\r\nx\r\n");
    long named = append(box, "Subject: n\r\nDate: 10 Feb 1994 22:00:00 PST\r\n\r\nx\r\n");
    SequenceView view = SequenceView.of(new long[] {west, east, named});
    assertThat(search.search(box, new SearchCriteria.Sent(DateOp.ON, LocalDate.of(1994, 2, 10)), view)
        .collectList().block(T)).containsExactly(west, named);
    assertThat(search.search(box, new SearchCriteria.Sent(DateOp.SINCE, LocalDate.of(1994, 2, 11)), view)
        .collectList().block(T)).containsExactly(east);
    assertThat(search.search(box, new SearchCriteria.Sent(DateOp.BEFORE, LocalDate.of(1994, 2, 11)), view)
        .collectList().block(T)).containsExactly(west, named);
  }

  @Test
  void sentDatesFallBackToTheInternalDateWithoutAParseableDateHeader() {
    // RFC 5256 section 2.2's sent date: the INTERNALDATE when Date: is missing or unparseable.
    MailboxId box = store.create("s@example.org", MailboxName.of("Undated"), Set.of()).block(T).id();
    long none = append(box, "Subject: no date\r\n\r\nx\r\n"); // internal date 2024-06-01
    long garbage = append(box, "Subject: bad date\r\nDate: sometime last week\r\n\r\nx\r\n");
    long dated = append(box, "Subject: dated\r\nDate: Thu, 10 Feb 1994 12:00:00 +0000\r\n\r\nx\r\n");
    SequenceView view = SequenceView.of(new long[] {none, garbage, dated});
    java.util.function.Function<SearchCriteria, List<Long>> find =
        c -> search.search(box, c, view).collectList().block(T);
    assertThat(find.apply(new SearchCriteria.Sent(DateOp.ON, LocalDate.of(2024, 6, 1)))).containsExactly(none, garbage);
    assertThat(find.apply(new SearchCriteria.Sent(DateOp.BEFORE, LocalDate.of(2024, 6, 1)))).containsExactly(dated);
    assertThat(find.apply(new SearchCriteria.Sent(DateOp.SINCE, LocalDate.of(2024, 6, 2)))).isEmpty();
    assertThat(find.apply(new SearchCriteria.Sent(DateOp.SINCE, LocalDate.of(2000, 1, 1)))).containsExactly(none, garbage);
  }

  @Test
  void addressSearchesMatchTheAddressesAsWrittenNotTheRawField() {
    // RFC 3501 6.4.4 FROM/TO/CC: the address structure contains the string. Comments inside the
    // addr-spec are not part of it; a trailing comment names a bare address; groups are searchable.
    MailboxId box = store.create("s@example.org", MailboxName.of("Addresses"), Set.of()).block(T).id();
    long commented = append(box, "From: <dana (home)@ (isp) example.net>\r\n\r\nx\r\n");
    long trailing = append(box, "From: dana@example.net (Dana Scully)\r\n\r\nx\r\n");
    long group = append(box, "To: crew: eve@example.net, fay@example.net;,\r\n  staff: gus@example.net;\r\n\r\nx\r\n");
    SequenceView view = SequenceView.of(new long[] {commented, trailing, group});
    java.util.function.Function<SearchCriteria, List<Long>> find =
        c -> search.search(box, c, view).collectList().block(T);
    assertThat(find.apply(SearchCriteria.from("dana@example.net"))).containsExactly(commented, trailing);
    assertThat(find.apply(SearchCriteria.from("ana@exam"))).containsExactly(commented, trailing);
    assertThat(find.apply(SearchCriteria.from("scully"))).containsExactly(trailing);
    assertThat(find.apply(SearchCriteria.from("home"))).isEmpty(); // a comment, not an address
    assertThat(find.apply(SearchCriteria.to("staff"))).containsExactly(group);
    assertThat(find.apply(SearchCriteria.to("gus@"))).containsExactly(group);
    assertThat(find.apply(SearchCriteria.to("nobody@"))).isEmpty();
    // HEADER still compares the raw field
    assertThat(find.apply(new SearchCriteria.Header("From", "(home)"))).containsExactly(commented);
  }

  long append(MailboxId box, String msg) {
    return store.append(box, new AppendRequest(Flags.NONE, OffsetDateTime.parse("2024-06-01T00:00:00Z"), -1),
        Flux.just(ByteBuffer.wrap(msg.getBytes(StandardCharsets.UTF_8)))).block(T).uid();
  }

  @Test
  void sizesDatesSequencesUidsAndModSeq() {
    assertThat(find(new SearchCriteria.Larger(100_000))).containsExactly(big);
    assertThat(find(new SearchCriteria.Smaller(200))).containsExactly(plain);
    assertThat(find(new SearchCriteria.Internal(DateOp.ON, LocalDate.of(2024, 3, 10)))).containsExactly(german);
    assertThat(find(new SearchCriteria.Internal(DateOp.BEFORE, LocalDate.of(2024, 3, 10)))).containsExactly(plain);
    assertThat(find(new SearchCriteria.Internal(DateOp.SINCE, LocalDate.of(2024, 4, 1)))).containsExactly(multipart, big);
    // multipart and big have no Date: their internal dates (April, May) stand in
    assertThat(find(new SearchCriteria.Sent(DateOp.SINCE, LocalDate.of(2024, 3, 2)))).containsExactly(german, multipart, big);
    assertThat(find(new SearchCriteria.Sequences(UidSet.of(2, 3)))).containsExactly(german, multipart);
    assertThat(find(new SearchCriteria.Uids(UidSet.of(plain, big)))).containsExactly(plain, big);
    long modSeq = store.messages(inbox, UidSet.of(multipart)).blockFirst(T).modSeq();
    assertThat(find(new SearchCriteria.ModSeqAtLeast(modSeq))).containsExactly(multipart, big);
  }

  @Test
  void headerSearchesDecodeEncodedWordsAndIgnoreCase() {
    assertThat(find(SearchCriteria.subject("GRÜSSE"))).containsExactly(german); // ß folds to ss
    assertThat(find(SearchCriteria.subject("grüße"))).containsExactly(german);
    assertThat(find(SearchCriteria.from("jörg"))).containsExactly(german);
    assertThat(find(SearchCriteria.to("ALICE@"))).containsExactly(german);
    assertThat(find(SearchCriteria.cc("carol"))).containsExactly(german);
    assertThat(find(SearchCriteria.bcc("x"))).isEmpty();
    assertThat(find(new SearchCriteria.Header("Content-Type", ""))).containsExactly(german, multipart);
  }

  @Test
  void bodySearchDecodesTransferEncodingsAndCharsetsAndSkipsNonText() {
    assertThat(find(new SearchCriteria.Body("KÖLN"))).containsExactly(german);
    assertThat(find(new SearchCriteria.Body("café au"))).containsExactly(multipart);
    assertThat(find(new SearchCriteria.Body("plait"))).containsExactly(multipart); // soft line break
    assertThat(find(new SearchCriteria.Body("budget"))).containsExactly(plain); // not the attachment
    assertThat(find(new SearchCriteria.Body("meeting"))).isEmpty();
    assertThat(find(new SearchCriteria.Text("meeting"))).containsExactly(plain);
  }

  /** RFC 3501 section 6.4.4: TEXT is "header or body", and a MIME part's header is in the body. */
  @Test
  void textFindsTheHeaderFieldsOfNestedMimeParts() {
    assertThat(find(new SearchCriteria.Text("application/octet-stream"))).containsExactly(multipart);
    assertThat(find(new SearchCriteria.Text("quoted-printable"))).containsExactly(multipart);
    assertThat(find(new SearchCriteria.Body("octet-stream"))).isEmpty(); // BODY: text parts only

    MailboxId nested = store.create("s@example.org", MailboxName.of("Nested"), Set.of()).block(T).id();
    long forwarded = store.append(nested, new AppendRequest(Flags.NONE, OffsetDateTime.parse("2024-06-01T00:00:00Z"), -1),
        Flux.just(ByteBuffer.wrap(("From: dave@example.org\r\nSubject: fwd\r\n"
            + "Content-Type: multipart/mixed; boundary=out\r\n\r\n"
            + "--out\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
            + "--out\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: erin@example.org\r\nSubject: Inner subject\r\n"
            + "Content-Type: multipart/mixed; boundary=in\r\n\r\n"
            + "--in\r\nContent-Type: text/plain\r\n\r\nthe figures\r\n"
            + "--in\r\nContent-Type: application/pdf\r\n"
            + "Content-Disposition: attachment; filename=\"quarterly-report.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
            + "--in--\r\n\r\n--out--\r\n").getBytes(StandardCharsets.US_ASCII)))).block(T).uid();
    List<Long> view = List.of(forwarded);
    SequenceView seq = SequenceView.of(new long[] {forwarded});
    assertThat(search.search(nested, new SearchCriteria.Text("QUARTERLY-REPORT"), seq).collectList().block(T))
        .isEqualTo(view); // a part header two levels down, inside the forwarded message
    assertThat(search.search(nested, new SearchCriteria.Text("inner subject"), seq).collectList().block(T))
        .isEqualTo(view); // the forwarded message's own header
    assertThat(search.search(nested, new SearchCriteria.Text("report.doc"), seq).collectList().block(T))
        .isEmpty();
  }

  /**
   * The empty string is a substring of every body (RFC 3501 section 6.4.4, BODY "contains the
   * specified string"), the empty body too and one without a text part; Dovecot matches them all.
   */
  @Test
  void bodySearchForTheEmptyStringMatchesEveryMessage() {
    assertThat(find(new SearchCriteria.Body(""))).containsExactly(plain, german, multipart, big);
    MailboxId other = store.create("s@example.org", MailboxName.of("Bodies"), Set.of()).block(T).id();
    long[] uids = new long[2];
    String[] messages = {
        "From: e@example.org\r\nSubject: empty\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
        "From: b@example.org\r\nSubject: binary\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n"};
    for (int i = 0; i < messages.length; i++) {
      uids[i] = store.append(other, new AppendRequest(Flags.NONE, OffsetDateTime.parse("2024-06-01T00:00:00Z"), -1),
          Flux.just(ByteBuffer.wrap(messages[i].getBytes(StandardCharsets.US_ASCII)))).block(T).uid();
    }
    assertThat(search.search(other, new SearchCriteria.Body(""), SequenceView.of(uids)).collectList().block(T))
        .containsExactly(uids[0], uids[1]);
    assertThat(search.search(other, new SearchCriteria.Text(""), SequenceView.of(uids)).collectList().block(T))
        .containsExactly(uids[0], uids[1]);
  }

  @Test
  void bodyMatchSpanningAStreamChunkBoundaryIsFound() {
    assertThat(find(new SearchCriteria.Body("NEEDLE-ACROSS-BOUNDARY"))).containsExactly(big);
    assertThat(find(SearchCriteria.and(new SearchCriteria.Body("needle"), new SearchCriteria.Larger(1000))))
        .containsExactly(big);
  }

  @Test
  void textMatcherHandlesACharacterSplitBetweenChunks() {
    byte[] b = "xxKöln".getBytes(StandardCharsets.UTF_8);
    TextMatcher m = new TextMatcher("KÖLN", StandardCharsets.UTF_8);
    assertThat(m.feed(ByteBuffer.wrap(b, 0, 4))).isFalse(); // splits the two bytes of ö
    assertThat(m.feed(ByteBuffer.wrap(b, 4, b.length - 4))).isTrue();
  }
}

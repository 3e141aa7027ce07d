package dev.mailgate.mailbox.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.AppendRequest;
import dev.mailgate.mailbox.store.AppendResult;
import dev.mailgate.mailbox.store.ByteRange;
import dev.mailgate.mailbox.store.CopyResult;
import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.MailboxId;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MessageMeta;
import dev.mailgate.mailbox.store.SystemFlag;
import dev.mailgate.mailbox.store.UidSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** COPY with UIDPLUS COPYUID data (RFC 4315) and MOVE (RFC 6851). */
public interface CopyMoveContract extends MailStoreContract {

  @Test
  default void copyAssignsNewUidsInSourceOrderAndKeepsFlagsAndBytes() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxInfo archive = box(user, "Archive");
    AppendResult a = append(inbox, MailStoreContract.message("a"), Flags.of(SystemFlag.FLAGGED));
    AppendResult b = append(inbox, MailStoreContract.message("b"));
    CopyResult r = store().copy(inbox, UidSet.all(), archive.id()).block(TIMEOUT);
    assertThat(r.destinationUidValidity()).isEqualTo(archive.uidValidity());
    assertThat(r.sourceUids()).containsExactly(a.uid(), b.uid());
    assertThat(r.destinationUids()).hasSize(2);
    assertThat(r.destinationUids().get(1)).isGreaterThan(r.destinationUids().get(0));
    MessageMeta copied = store().messages(archive.id(), UidSet.of(r.destinationUids().get(0))).blockFirst(TIMEOUT);
    assertThat(copied.flags()).isEqualTo(Flags.of(SystemFlag.FLAGGED));
    assertThat(content(archive.id(), r.destinationUids().get(1), ByteRange.ALL))
        .isEqualTo(MailStoreContract.message("b"));
    assertThat(box(user, "INBOX").messages()).isEqualTo(2);
  }

  @Test
  default void internalDateKeepsItsZoneThroughAppendReopenCopyAndMove() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxId archive = box(user, "Archive").id();
    MailboxId trash = box(user, "Trash").id();
    OffsetDateTime given = OffsetDateTime.parse("2007-03-25T01:00:00+02:00");
    byte[] b = MailStoreContract.message("zoned").getBytes(StandardCharsets.UTF_8);
    AppendResult a = store().append(inbox, new AppendRequest(Flags.NONE, given, b.length),
        Flux.just(ByteBuffer.wrap(b))).block(TIMEOUT);
    reopen();
    assertThat(store().messages(inbox, UidSet.of(a.uid())).blockFirst(TIMEOUT).internalDate())
        .isEqualTo(given); // OffsetDateTime.equals compares the offset too
    CopyResult copied = store().copy(inbox, UidSet.of(a.uid()), archive).block(TIMEOUT);
    CopyResult moved = store().move(inbox, UidSet.of(a.uid()), trash).block(TIMEOUT);
    assertThat(store().messages(archive, UidSet.of(copied.destinationUids().get(0))).blockFirst(TIMEOUT)
        .internalDate()).isEqualTo(given);
    assertThat(store().messages(trash, UidSet.of(moved.destinationUids().get(0))).blockFirst(TIMEOUT)
        .internalDate()).isEqualTo(given);
  }

  @Test
  default void moveRemovesFromSourceRecordsVanishedAndKeepsTheBody() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxId trash = box(user, "Trash").id();
    AppendResult a = append(inbox, MailStoreContract.message("moving"));
    CopyResult r = store().move(inbox, UidSet.of(a.uid()), trash).block(TIMEOUT);
    assertThat(r.sourceUids()).containsExactly(a.uid());
    assertThat(box(user, "INBOX").messages()).isZero();
    assertThat(store().vanishedSince(inbox, 0).collectList().block(TIMEOUT)).containsExactly(a.uid());
    assertThat(content(trash, r.destinationUids().get(0), ByteRange.ALL))
        .isEqualTo(MailStoreContract.message("moving"));
  }

  @Test
  default void expungingTheOriginalKeepsTheCopyReadable() {
    String user = newUser();
    MailboxId inbox = inbox(user);
    MailboxId archive = box(user, "Archive").id();
    AppendResult a = append(inbox, MailStoreContract.message("shared"), Flags.of(SystemFlag.DELETED));
    CopyResult r = store().copy(inbox, UidSet.of(a.uid()), archive).block(TIMEOUT);
    store().expunge(inbox, UidSet.all()).block(TIMEOUT);
    assertThat(content(archive, r.destinationUids().get(0), ByteRange.ALL))
        .isEqualTo(MailStoreContract.message("shared"));
  }
}

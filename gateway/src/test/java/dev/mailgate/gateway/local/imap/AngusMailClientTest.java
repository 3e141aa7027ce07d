package dev.mailgate.gateway.local.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.mailbox.store.Flags;
import dev.mailgate.mailbox.store.SystemFlag;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.BodyTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SubjectTerm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client: Angus Mail's IMAPStore / IMAPFolder logs in, lists, selects, appends, fetches
 * structure and content, searches, changes flags, copies, moves and expunges against the local
 * tier.
 */
class AngusMailClientTest {
  @TempDir Path dir;

  @Test
  void angusMailWorksAgainstTheLocalTier() throws Exception {
    try (LocalImapServer server = LocalImapServer.start(dir)) {
      server.deliver("INBOX", LocalImapServer.MESSAGE_1, Flags.NONE);
      server.deliver("INBOX", LocalImapServer.MESSAGE_2, Flags.of(SystemFlag.SEEN));
      server.deliver("INBOX", LocalImapServer.MESSAGE_3, Flags.NONE);
      Properties props = new Properties();
      props.put("mail.imap.host", "127.0.0.1");
      props.put("mail.imap.port", Integer.toString(server.address().getPort()));
      props.put("mail.imap.connectiontimeout", "10000");
      props.put("mail.imap.timeout", "10000");
      Session session = Session.getInstance(props);
      Store store = session.getStore("imap");
      store.connect("alice", "secret");
      try {
        Folder[] all = store.getDefaultFolder().list("*");
        assertThat(Arrays.stream(all).map(Folder::getFullName))
            .contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");

        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).isEqualTo(3);
        assertThat(inbox.getUnreadMessageCount()).isEqualTo(2);

        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("carol@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.org");
        m.setSubject("from angus");
        m.setText("appended by a real client\r\n");
        AppendUID[] appended = inbox.appendUIDMessages(new Message[] {m});
        assertThat(appended[0].uid).isEqualTo(4);
        assertThat(appended[0].uidvalidity).isEqualTo(inbox.getUIDValidity());

        Message first = inbox.getMessage(1);
        assertThat(first.getSubject()).isEqualTo("afternoon meeting");
        assertThat(((InternetAddress) first.getFrom()[0]).getAddress()).isEqualTo("foobar@Blurdybloop.example");
        assertThat((String) first.getContent()).contains("meet at 3:30 tomorrow");

        Message pictures = inbox.getMessage(2);
        Multipart mp = (Multipart) pictures.getContent();
        assertThat(mp.getCount()).isEqualTo(2);
        assertThat(mp.getBodyPart(1).getFileName()).isEqualTo("p.png");
        assertThat(Part.ATTACHMENT).isEqualToIgnoringCase(mp.getBodyPart(1).getDisposition());
        assertThat(((String) mp.getBodyPart(0).getContent()).trim()).isEqualTo("See the attached picture.");

        assertThat(inbox.search(new SubjectTerm("invoice"))).extracting(Message::getMessageNumber).containsExactly(3);
        assertThat(inbox.search(new BodyTerm("real client"))).extracting(Message::getMessageNumber).containsExactly(4);

        Message invoice = inbox.getMessage(3);
        invoice.setFlag(jakarta.mail.Flags.Flag.FLAGGED, true);
        assertThat(inbox.search(new FlagTerm(new jakarta.mail.Flags(jakarta.mail.Flags.Flag.FLAGGED), true)))
            .extracting(Message::getMessageNumber).containsExactly(3);

        Folder archive = store.getFolder("Archive");
        inbox.copyMessages(new Message[] {first}, archive);
        assertThat(archive.getMessageCount()).isEqualTo(1);

        // Angus keeps its own message numbering until the application asks; the server's view is
        // checked through a second connection (STATUS on a closed folder object).
        inbox.moveMessages(new Message[] {invoice}, store.getFolder("Trash"));
        assertThat(store.getFolder("INBOX").getMessageCount()).isEqualTo(3);

        first.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
        Message[] expunged = inbox.expunge();
        assertThat(expunged).contains(first); // with the moved message, which Angus reports here too
        assertThat(store.getFolder("INBOX").getMessageCount()).isEqualTo(2);
        inbox.close(false);

        IMAPFolder reopened = (IMAPFolder) store.getFolder("INBOX");
        reopened.open(Folder.READ_ONLY);
        assertThat(Arrays.stream(reopened.getMessages()).map(msg -> {
          try {
            return ((UIDFolder) reopened).getUID(msg);
          } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
          }
        })).containsExactly(2L, 4L);
        reopened.close(false);

        Folder trash = store.getFolder("Trash");
        trash.open(Folder.READ_ONLY);
        assertThat(trash.getMessage(1).getSubject()).isEqualTo("invoice");
        assertThat(trash.getMessage(1).isSet(jakarta.mail.Flags.Flag.FLAGGED)).isTrue();
        trash.close(false);
      } finally {
        store.close();
      }
    }
  }
}

package dev.mailgate.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new user's path through the embedded default, with a real client (Angus Mail): a user is
 * provisioned, a stranger's message to that user's domain arrives over port-25 style SMTP, and the
 * user reads it over IMAPS with the generated certificate.
 */
class EmbeddedDefaultMailFlowTest {

  @TempDir Path dir;

  @Test
  void mailToAProvisionedUsersDomainIsDeliveredAndReadOverImaps() throws Exception {
    int offset = FreePorts.offsetFor(FreePorts.EMBEDDED);
    AppOptions options = new AppOptions(Optional.empty(), Map.of("MAILGATE_DATA", dir.toString()), offset,
        Duration.ofSeconds(5), false);
    try (MailgateApp app = MailgateApp.start(options, ProtocolHandlers.standard())) {
      app.context().users().add("me@example.test", "s3cret".toCharArray()).block(Duration.ofSeconds(30));

      Properties smtp = new Properties();
      smtp.put("mail.smtp.host", "127.0.0.1");
      smtp.put("mail.smtp.port", Integer.toString(3025 + offset));
      smtp.put("mail.smtp.timeout", "10000");
      MimeMessage m = new MimeMessage(Session.getInstance(smtp));
      m.setFrom(new InternetAddress("someone@elsewhere.test"));
      m.setRecipient(Message.RecipientType.TO, new InternetAddress("me@example.test"));
      m.setSubject("hello through mailgate");
      m.setText("body line\r\n");
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> Transport.send(m));

      Properties imap = new Properties();
      imap.put("mail.imaps.ssl.trust", "*");
      imap.put("mail.imaps.ssl.checkserveridentity", "false"); // the certificate names localhost
      imap.put("mail.imaps.timeout", "10000");
      Store store = Session.getInstance(imap).getStore("imaps");
      store.connect("127.0.0.1", 3993 + offset, "me@example.test", "s3cret");
      try {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessageCount()).isEqualTo(1);
        assertThat(inbox.getMessage(1).getSubject()).isEqualTo("hello through mailgate");
        inbox.close(false);
      } finally {
        store.close();
      }
    }
  }
}

package dev.mailgate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.gateway.tls.PemFiles;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the harness: real clients (Angus Mail) against the private Dovecot and Postfix directly. */
@ExtendWith(MailServersExtension.class)
class MailServersInteropTest {

  static SSLSocketFactory trusting(MailServers servers) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", PemFiles.readCertificates(servers.caFile()).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }

  static Session session(Properties p) {
    p.put("mail.imap.connectiontimeout", "10000");
    p.put("mail.imap.timeout", "10000");
    return Session.getInstance(p);
  }

  static MimeMessage message(Session s, String subject) throws Exception {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress(MailServers.ALICE.address()));
    m.setRecipients(Message.RecipientType.TO, MailServers.ALICE.address());
    m.setSubject(subject);
    m.setText("hello from the interop harness\r\n");
    return m;
  }

  @Test
  void imapLoginAppendAndFetchAgainstDovecot(MailServers servers) throws Exception {
    Session s = session(new Properties());
    try (Store store = s.getStore("imap")) {
      store.connect("127.0.0.1", servers.imapPort(), MailServers.BOB.address(), MailServers.BOB.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      String subject = "append " + UUID.randomUUID();
      inbox.appendMessages(new Message[] {message(s, subject)});
      Message[] found = inbox.search(new SubjectTerm(subject));
      assertThat(found).hasSize(1);
      assertThat(((String) found[0].getContent()).trim()).isEqualTo("hello from the interop harness");
      inbox.close(false);
    }
    assertThat(Files.readString(servers.dovecotLog())).contains("Login: user=<bob@example.test>");
  }

  @Test
  void imapsWithTheTestCaVerifiesTheServerCertificate(MailServers servers) throws Exception {
    Properties p = new Properties();
    p.put("mail.imaps.ssl.socketFactory", trusting(servers));
    p.put("mail.imaps.ssl.checkserveridentity", "true");
    try (Store store = session(p).getStore("imaps")) {
      store.connect("127.0.0.1", servers.imapsPort(), MailServers.BOB.address(), MailServers.BOB.password());
      assertThat(store.getFolder("INBOX").exists()).isTrue();
    }
  }

  @Test
  void pop3LoginAgainstDovecot(MailServers servers) throws Exception {
    Properties p = new Properties();
    p.put("mail.pop3.connectiontimeout", "10000");
    p.put("mail.pop3.timeout", "10000");
    try (Store store = Session.getInstance(p).getStore("pop3")) {
      store.connect("127.0.0.1", servers.pop3Port(), MailServers.BOB.address(), MailServers.BOB.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(0);
      inbox.close(false);
    }
  }

  @Test
  void submissionWithStarttlsAndAuthDeliversThroughPostfixToDovecot(MailServers servers) throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", Integer.toString(servers.submissionPort()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", trusting(servers));
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "10000");
    Session s = Session.getInstance(p);
    String subject = "submission " + UUID.randomUUID();
    Transport.send(message(s, subject), MailServers.ALICE.address(), MailServers.ALICE.password());

    Session reader = session(new Properties());
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      try (Store store = reader.getStore("imap")) {
        store.connect("127.0.0.1", servers.imapPort(), MailServers.ALICE.address(), MailServers.ALICE.password());
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
          return inbox.search(new SubjectTerm(subject)).length == 1;
        } finally {
          inbox.close(false);
        }
      }
    });
    assertThat(Files.readString(servers.postfixLog())).contains("sasl_username=alice@example.test", "status=sent");
  }
}

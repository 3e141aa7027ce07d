package dev.mailgate.bench.load.scenario;

import dev.mailgate.bench.load.client.Response;
import java.io.IOException;
import java.util.concurrent.CompletionException;

/** Response checks that fail the session with the server's words. */
final class Checks {

  private Checks() {}

  static Response imapOk(Response r, String tag) {
    if (!r.lastLine().startsWith(tag + " OK")) {
      throw failure("IMAP " + tag, r.lastLine());
    }
    return r;
  }

  static Response imapContinuation(Response r) {
    if (!r.lastLine().startsWith("+")) {
      throw failure("IMAP continuation", r.lastLine());
    }
    return r;
  }

  static Response pop3Ok(Response r) {
    if (!r.firstLine().startsWith("+OK")) {
      throw failure("POP3", r.firstLine());
    }
    return r;
  }

  static Response smtp(Response r, int expectedCode) {
    if (r.smtpCode() != expectedCode) {
      throw failure("SMTP (expected " + expectedCode + ")", r.lastLine());
    }
    return r;
  }

  private static CompletionException failure(String what, String line) {
    return new CompletionException(new IOException(what + " refused: " + line));
  }
}

package dev.mailgate.gateway.smtp;

/**
 * Signals a {@link TransactionSink.Transaction#deliver} content stream that the client's message
 * is void (too big, bare line endings, RSET during BDAT, connection lost): keep nothing.
 */
public final class ContentAborted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ContentAborted(String why) {
    super(why, null, false, false);
  }
}

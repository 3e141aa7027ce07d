package dev.mailgate.codec.imap;

import java.util.List;

/** Helpers over {@link ImapCommand}s. */
public final class ImapCommands {
  private ImapCommands() {}

  /** Releases the buffers a command holds (APPEND contents); a no-op for the others. */
  public static void release(ImapCommand command) {
    if (command instanceof ImapCommand.Append a) {
      a.release();
    } else if (command instanceof ImapCommand.AppendContinuation c) {
      c.release();
    }
  }

  static void release(List<ImapCommand.AppendMessage> messages) {
    for (ImapCommand.AppendMessage m : messages) {
      if (m.content() != null && m.content().refCnt() > 0) {
        m.content().release();
      }
    }
  }
}

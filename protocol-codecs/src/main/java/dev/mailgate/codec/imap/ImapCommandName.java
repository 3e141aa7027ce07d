package dev.mailgate.codec.imap;

import io.netty.buffer.ByteBuf;

/**
 * Command names of RFC 3501 / RFC 9051 and the supported extensions, with an allocation-free,
 * case-insensitive lookup from the received bytes.
 */
public enum ImapCommandName {
  CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE, LOGIN, SELECT, EXAMINE, CREATE, DELETE, RENAME,
  SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, NAMESPACE, STATUS, APPEND, CHECK, CLOSE, UNSELECT, EXPUNGE,
  SEARCH, FETCH, STORE, COPY, MOVE, UID, IDLE, ID, ENABLE, GETQUOTA, GETQUOTAROOT, SETQUOTA,
  COMPRESS, SORT, THREAD;

  private static final Keywords<ImapCommandName> TABLE =
      new Keywords<>(ImapCommandName.class, Enum::name);

  /** The command spelled by {@code length} bytes at {@code start}, or null. */
  public static ImapCommandName lookup(ByteBuf buf, int start, int length) {
    return TABLE.lookup(buf, start, length);
  }
}

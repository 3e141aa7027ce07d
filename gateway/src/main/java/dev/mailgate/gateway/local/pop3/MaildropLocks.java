package dev.mailgate.gateway.local.pop3;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive-access locks on maildrops (RFC 1939 section 8: a server should lock the maildrop
 * for the TRANSACTION state; RFC 2449 section 8.1.1 names the refusal {@code [IN-USE]}). One lock
 * per user name (case-insensitive) in this process; shared by every local POP3 listener.
 */
public final class MaildropLocks {

  private final Set<String> held = ConcurrentHashMap.newKeySet();

  /** Takes the lock; false when another session holds it. */
  public boolean tryLock(String user) {
    return held.add(key(user));
  }

  public void unlock(String user) {
    held.remove(key(user));
  }

  public boolean isLocked(String user) {
    return held.contains(key(user));
  }

  private static String key(String user) {
    return user.toLowerCase(Locale.ROOT);
  }
}

package dev.mailgate.mailbox.store;

import java.util.OptionalLong;

/**
 * A STORE request (RFC 3501 section 6.4.6) with the CONDSTORE UNCHANGEDSINCE modifier (RFC 7162
 * section 3.1.3).
 */
public record FlagUpdate(Mode mode, Flags flags, OptionalLong unchangedSince) {
  /** FLAGS, +FLAGS and -FLAGS. */
  public enum Mode {
    REPLACE,
    ADD,
    REMOVE
  }

  public static FlagUpdate add(Flags flags) {
    return new FlagUpdate(Mode.ADD, flags, OptionalLong.empty());
  }

  public static FlagUpdate remove(Flags flags) {
    return new FlagUpdate(Mode.REMOVE, flags, OptionalLong.empty());
  }

  public static FlagUpdate replace(Flags flags) {
    return new FlagUpdate(Mode.REPLACE, flags, OptionalLong.empty());
  }

  public FlagUpdate unchangedSince(long modSeq) {
    return new FlagUpdate(mode, flags, OptionalLong.of(modSeq));
  }

  public Flags apply(Flags current) {
    return switch (mode) {
      case REPLACE -> flags;
      case ADD -> current.plus(flags);
      case REMOVE -> current.minus(flags);
    };
  }
}

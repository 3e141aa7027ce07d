package dev.mailgate.mailbox.sort;

import java.util.Collections;
import java.util.List;

/**
 * One node of a THREAD result (RFC 5256 section 4): a message, or a dummy that only holds its
 * children together (REFERENCES leaves those at the top level only). Not a record on purpose:
 * threads can be thousands of messages deep, and a record's equals, hashCode and toString would
 * recurse that deep; walk them with an explicit stack instead.
 */
public final class ThreadNode {
  private final long uid;
  private final List<ThreadNode> children;

  /** @param children filled by the threader while it builds the tree */
  ThreadNode(long uid, List<ThreadNode> children) {
    this.uid = uid;
    this.children = Collections.unmodifiableList(children);
  }

  /** The message's UID; 0 for a dummy. */
  public long uid() {
    return uid;
  }

  public boolean isDummy() {
    return uid == 0;
  }

  /** The replies, in thread order. */
  public List<ThreadNode> children() {
    return children;
  }

  @Override
  public String toString() {
    return "ThreadNode[" + (isDummy() ? "dummy" : uid) + ", " + children.size() + " children]";
  }
}

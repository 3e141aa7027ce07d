package dev.mailgate.mailbox.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * THREAD=REFERENCES (RFC 5256 section 3, after Jamie Zawinski's algorithm): messages are linked
 * to their parents by Message-ID, References and In-Reply-To, with dummy containers standing for
 * messages referred to but not present; dummies are pruned; top-level threads with the same base
 * subject are gathered; siblings are sorted by sent date.
 *
 * <p>Hostile input is expected. Every walk over the tree uses an explicit stack or a loop over
 * parent links, never recursion, so a chain thousands of messages deep costs heap, not stack. A
 * link that would close a cycle (a message among its own ancestors, a self-reference, references
 * contradicting each other) is not made, as the RFC asks. The work is bounded by three limits:
 * only the last {@link #MAX_REFERENCES} ids of a References: field are used (the nearest
 * ancestors); one cycle check walks at most {@link #MAX_ANCESTRY} parent links, refusing a link it
 * could not prove safe, so a thread deeper than that is cut in two; and all the checks of one
 * threading walk at most {@link #MAX_CHECK_STEPS} links together, after which no new link is made
 * (a mailbox crafted to make every check long gets flatter threads, not a busy server).
 */
public final class ReferencesThreader {
  /** Most References: ids used per message: the last ones, closest to the message. */
  public static final int MAX_REFERENCES = 256;
  /** Most parent links walked to prove that a new link closes no cycle. */
  public static final int MAX_ANCESTRY = 4096;
  /** Most parent links all the cycle checks of one threading walk together. */
  public static final long MAX_CHECK_STEPS = 20_000_000;

  /** A node while threading: a message, or a dummy (null message). */
  private static final class Container {
    ThreadMessage message;
    Container parent;
    List<Container> children = new ArrayList<>(1);

    Container(ThreadMessage message) {
      this.message = message;
    }

    /** The message that stands for this container in the sibling order (a dummy's first child). */
    ThreadMessage representative() {
      return message != null ? message : children.get(0).message;
    }
  }

  private static final Comparator<Container> BY_DATE = Comparator
      .comparing((Container c) -> c.representative().sent())
      .thenComparingLong(c -> c.representative().uid());

  private final Map<String, Container> byId = new HashMap<>();
  /** Every container in the order it was made: the root set keeps that order until step 6. */
  private final List<Container> all = new ArrayList<>();
  /** Parent links walked by the cycle checks so far. */
  private long checkSteps;

  private ReferencesThreader() {}

  /** The threads of the messages, sorted (RFC 5256 section 3, REFERENCES steps 1 to 6). */
  public static List<ThreadNode> thread(List<ThreadMessage> messages) {
    List<ThreadMessage> inOrder = new ArrayList<>(messages);
    inOrder.sort(Comparator.comparingLong(ThreadMessage::uid));
    ReferencesThreader t = new ReferencesThreader();
    for (ThreadMessage m : inOrder) {
      t.link(m);
    }
    List<Container> roots = new ArrayList<>();
    for (Container c : t.all) {
      if (c.parent == null) {
        roots.add(c); // (2) the root set; (3) the id table is not used from here on
      }
    }
    roots = prune(roots);
    roots = gatherBySubject(roots);
    sortSiblings(roots);
    return nodes(roots);
  }

  /** Step 1 for one message. */
  private void link(ThreadMessage m) {
    // (1)(A) Its container: one that a reference made for it, else a new one. A missing id or one
    // already taken by an earlier message is as good as a unique id: the container is not indexed.
    Container self = null;
    if (m.messageId() != null) {
      Container known = byId.get(m.messageId());
      if (known == null) {
        self = container(m.messageId());
      } else if (known.message == null) {
        self = known;
      }
    }
    if (self == null) {
      self = new Container(null);
      all.add(self);
    }
    self.message = m;
    // (1)(B) Chain the references, oldest first; an existing parent link stays.
    List<String> refs = m.references();
    Container previous = null;
    for (int i = Math.max(0, refs.size() - MAX_REFERENCES); i < refs.size(); i++) {
      Container ref = byId.get(refs.get(i));
      if (ref == null) {
        ref = container(refs.get(i));
      } else if (ref == self) {
        continue; // a message among its own references says nothing about its parent
      }
      if (previous != null && ref.parent == null && !closesCycle(previous, ref)) {
        attach(previous, ref);
      }
      previous = ref;
    }
    // (1)(C) The last reference is the parent; a parent from a truncated References: gives way.
    if (self.parent != null) {
      self.parent.children.remove(self);
      self.parent = null;
    }
    if (previous != null && !closesCycle(previous, self)) {
      attach(previous, self);
    }
  }

  private Container container(String id) {
    Container c = new Container(null);
    byId.put(id, c);
    all.add(c);
    return c;
  }

  private static void attach(Container parent, Container child) {
    child.parent = parent;
    parent.children.add(child);
  }

  /**
   * Whether making {@code parent} the parent of {@code child} would close a cycle: {@code parent}
   * is {@code child} or below it. Walks up from {@code parent}; past {@link #MAX_ANCESTRY} links,
   * or once the threading's {@link #MAX_CHECK_STEPS} are spent, the answer is yes, so the link is
   * not made.
   */
  private boolean closesCycle(Container parent, Container child) {
    int steps = 0;
    for (Container c = parent; c != null; c = c.parent) {
      if (c == child || ++steps > MAX_ANCESTRY || ++checkSteps > MAX_CHECK_STEPS) {
        return true;
      }
    }
    return false;
  }

  /**
   * Step 4: a dummy without children goes; a dummy with children gives them to its own parent,
   * except at the top level, where only a dummy with one child does (its child becomes a thread).
   * Bottom-up, so a dummy is judged by what is left below it.
   */
  private static List<Container> prune(List<Container> roots) {
    for (Container c : descendantsFirst(roots)) {
      c.children = withoutDummies(c.children, false);
    }
    return withoutDummies(roots, true);
  }

  private static List<Container> withoutDummies(List<Container> level, boolean top) {
    List<Container> kept = new ArrayList<>(level.size());
    for (Container c : level) {
      if (c.message != null) {
        kept.add(c);
      } else if (top && c.children.size() > 1) {
        kept.add(c);
      } else {
        // Below the top, the children were pruned already: none of them is a dummy.
        kept.addAll(c.children);
      }
    }
    return kept;
  }

  /**
   * Step 5: top-level threads with the same (non-empty) base subject are gathered under one
   * container, the one the subject table picks: a dummy rather than a message, and a message that
   * is not a reply or forward rather than one that is.
   */
  private static List<Container> gatherBySubject(List<Container> roots) {
    Map<String, Container> table = new HashMap<>();
    for (Container c : roots) {
      BaseSubject subject = c.representative().subject();
      if (subject.text().isEmpty()) {
        continue;
      }
      Container old = table.get(subject.key());
      if (old == null || old.message != null && (c.message == null
          || old.message.subject().replyOrForward() && !c.message.subject().replyOrForward())) {
        table.put(subject.key(), c);
      }
    }
    List<Container> kept = new ArrayList<>(roots.size());
    for (Container c : roots) {
      BaseSubject subject = c.representative().subject();
      Container old = subject.text().isEmpty() ? c : table.get(subject.key());
      if (old == c) {
        kept.add(c);
      } else if (old.message == null && c.message == null) {
        old.children.addAll(c.children);
      } else if (old.message == null || c.message != null
          && c.message.subject().replyOrForward() && !old.message.subject().replyOrForward()) {
        old.children.add(c);
      } else {
        // A new dummy over both, in the old container's place (which keeps its table entry and its
        // position among the threads): the old container's message moves down into a new one.
        Container moved = new Container(old.message);
        moved.children = old.children;
        old.message = null;
        old.children = new ArrayList<>(List.of(moved, c));
      }
    }
    return kept;
  }

  /** Step 6: siblings by sent date, the deepest first, so a dummy sorts by its first child. */
  private static void sortSiblings(List<Container> roots) {
    for (Container c : descendantsFirst(roots)) {
      c.children.sort(BY_DATE);
    }
    roots.sort(BY_DATE);
  }

  /** Every container below the roots (the roots included), each after all of its descendants. */
  private static List<Container> descendantsFirst(List<Container> roots) {
    List<Container> preorder = new ArrayList<>();
    Deque<Container> stack = new ArrayDeque<>(roots);
    while (!stack.isEmpty()) {
      Container c = stack.pop();
      preorder.add(c);
      for (Container child : c.children) {
        stack.push(child);
      }
    }
    List<Container> reversed = new ArrayList<>(preorder.size());
    for (int i = preorder.size() - 1; i >= 0; i--) {
      reversed.add(preorder.get(i));
    }
    return reversed;
  }

  /** The finished tree as {@link ThreadNode}s, built bottom-up without recursion. */
  private static List<ThreadNode> nodes(List<Container> roots) {
    Map<Container, ThreadNode> made = new IdentityHashMap<>();
    for (Container c : descendantsFirst(roots)) {
      List<ThreadNode> children = new ArrayList<>(c.children.size());
      for (Container child : c.children) {
        children.add(made.remove(child));
      }
      made.put(c, new ThreadNode(c.message == null ? 0 : c.message.uid(), children));
    }
    List<ThreadNode> top = new ArrayList<>(roots.size());
    for (Container c : roots) {
      top.add(made.get(c));
    }
    return top;
  }
}

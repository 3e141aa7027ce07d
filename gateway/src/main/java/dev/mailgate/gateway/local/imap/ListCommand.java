package dev.mailgate.gateway.local.imap;

import dev.mailgate.codec.imap.ImapCommand;
import dev.mailgate.codec.imap.ImapStatus;
import dev.mailgate.mailbox.store.MailboxInfo;
import dev.mailgate.mailbox.store.MailboxName;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import reactor.core.publisher.Mono;

/**
 * LIST (RFC 3501 section 6.3.8) with LIST-EXTENDED (RFC 5258: selection SUBSCRIBED, SPECIAL-USE,
 * RECURSIVEMATCH; return SUBSCRIBED, CHILDREN, SPECIAL-USE), LIST-STATUS (RFC 5819) and the
 * special-use attributes of RFC 6154, and LSUB (RFC 3501 section 6.3.9). Attributes: \Noselect,
 * \HasChildren / \HasNoChildren (RFC 3348), \Subscribed, \NonExistent, and \Sent \Drafts \Trash
 * \Junk \Archive.
 *
 * <p>A name that is no mailbox (subscribed, or a parent given for CHILDINFO) is listed only under
 * the SUBSCRIBED selection, with \NonExistent (RFC 5258 section 3, RFC 9051 section 6.3.9's table),
 * which means \Noselect too, and never with a STATUS (RFC 5819: it has none).
 */
final class ListCommand {
  private final ImapSession session;

  ListCommand(ImapSession session) {
    this.session = session;
  }

  /** The LIST-EXTENDED selection options understood here (RFC 5258 section 3.1, RFC 6154). */
  private static final Set<String> SELECTION = Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH",
      "SPECIAL-USE");
  /** The return options understood here (RFC 5258 section 3.2, RFC 6154, RFC 5819). */
  private static final Set<String> RETURN = Set.of("SUBSCRIBED", "CHILDREN", "SPECIAL-USE",
      "STATUS");

  Mono<Void> list(ImapCommand.ListMailboxes c) {
    String refused = refusedOptions(c);
    if (refused != null) {
      return session.tagged(c.tag(), ImapStatus.BAD, null, refused);
    }
    if (c.patterns().size() == 1 && c.patterns().get(0).isEmpty()) {
      // An empty pattern asks for the delimiter and the root (RFC 3501 section 6.3.8).
      ByteBuf line = ChangeReporter.line(session.alloc,
          "* LIST (\\Noselect) \"" + MailboxName.DELIMITER + "\" \"\"");
      return session.send(List.of(line)).then(session.complete(c.tag(), null, "LIST completed"));
    }
    List<ListPattern> patterns = new ArrayList<>();
    for (String p : c.patterns()) {
      patterns.add(new ListPattern(c.reference(), p));
    }
    boolean subscribedOnly = c.selectionOptions().contains("SUBSCRIBED");
    boolean recursive = subscribedOnly && c.selectionOptions().contains("RECURSIVEMATCH");
    boolean specialOnly = c.selectionOptions().contains("SPECIAL-USE");
    boolean showSubscribed = subscribedOnly || c.returnOptions().contains("SUBSCRIBED");
    boolean children = c.returnOptions().contains("CHILDREN");
    boolean status = !c.statusItems().isEmpty();
    return session.server.store().mailboxes(session.user).collectList()
        .zipWith(session.server.store().subscriptions(session.user)
            .map(MailboxName::value).collect(() -> new TreeSet<String>(), Set::add))
        .flatMap(t -> {
          Map<String, MailboxInfo> byName = new LinkedHashMap<>();
          for (MailboxInfo i : t.getT1()) {
            byName.put(i.name().value(), i);
          }
          Set<String> subscribed = t.getT2();
          Set<String> childInfo = recursive ? parentsOfUnmatched(patterns, subscribed) : Set.of();
          Set<String> names = byName.keySet();
          if (subscribedOnly) {
            names = new TreeSet<>(subscribed);
            names.addAll(childInfo);
          }
          List<ByteBuf> out = new ArrayList<>();
          for (String name : names) {
            if (!matchesAny(patterns, name)) {
              continue;
            }
            MailboxInfo info = byName.get(name);
            if (specialOnly && (info == null || info.specialUse().isEmpty())) {
              continue;
            }
            List<String> attrs = attributes(info, showSubscribed && subscribed.contains(name));
            if (info == null && children) {
              // RFC 5258 section 4: asked for, the children attribute goes with every name
              // listed, a \NonExistent one too (as Dovecot sends it); its children are the
              // mailboxes under it, not names merely subscribed there
              attrs.add(hasMailboxUnder(byName.keySet(), name) ? "\\HasChildren" : "\\HasNoChildren");
            }
            out.add(childInfo.contains(name)
                ? line("LIST", attrs, name, " (\"CHILDINFO\" (\"SUBSCRIBED\"))")
                : line("LIST", attrs, name));
            if (status && info != null && info.selectable()) {
              out.add(session.mailboxStatus().statusLine(info, c.statusItems(), name));
            }
          }
          return session.send(out);
        })
        .then(session.complete(c.tag(), null, "LIST completed"));
  }

  Mono<Void> lsub(ImapCommand.Lsub c) {
    ListPattern pattern = new ListPattern(c.reference(), c.pattern());
    return session.server.store().mailboxes(session.user).collectMap(i -> i.name().value())
        .zipWith(session.server.store().subscriptions(session.user).collectList())
        .flatMap(t -> {
          List<ByteBuf> out = new ArrayList<>();
          Set<String> subscribed = new TreeSet<>();
          t.getT2().forEach(n -> subscribed.add(n.value()));
          Set<String> parents = parentsOfUnmatched(List.of(pattern), subscribed);
          Set<String> names = new TreeSet<>(subscribed);
          names.addAll(parents);
          for (String n : names) {
            if (!pattern.matches(n)) {
              continue;
            }
            MailboxInfo info = t.getT1().get(n);
            boolean noselect = !subscribed.contains(n) || info != null && !info.selectable();
            out.add(line("LSUB", noselect ? List.of("\\Noselect") : List.of(), n));
          }
          return session.send(out);
        })
        .then(session.complete(c.tag(), null, "LSUB completed"));
  }

  /**
   * RFC 5258 section 3: an option the server does not know MUST be answered BAD, and so must
   * RECURSIVEMATCH without an option it could refine (alone, or with only REMOTE).
   */
  private static String refusedOptions(ImapCommand.ListMailboxes c) {
    for (String o : c.selectionOptions()) {
      if (!SELECTION.contains(o)) {
        return "Unknown LIST selection option " + o;
      }
    }
    for (String o : c.returnOptions()) {
      if (!RETURN.contains(o)) {
        return "Unknown LIST return option " + o;
      }
    }
    if (c.selectionOptions().contains("RECURSIVEMATCH") && !c.selectionOptions().contains("SUBSCRIBED")
        && !c.selectionOptions().contains("SPECIAL-USE")) {
      return "RECURSIVEMATCH needs another selection option";
    }
    return null;
  }

  /**
   * The names a pattern matches above subscribed mailboxes it does not match: {@code a/b}
   * subscribed, {@code a} not, and {@code %} gives {@code a}. LSUB must list such a parent as
   * \Noselect (RFC 3501 section 6.3.9), LIST (SUBSCRIBED RECURSIVEMATCH) with CHILDINFO
   * (RFC 5258 section 3.5); with {@code *} the child matches itself and no parent is added.
   */
  private static Set<String> parentsOfUnmatched(List<ListPattern> patterns, Set<String> subscribed) {
    Set<String> parents = new TreeSet<>();
    for (String name : subscribed) {
      if (matchesAny(patterns, name)) {
        continue;
      }
      for (int i = name.lastIndexOf(MailboxName.DELIMITER); i > 0;
          i = name.lastIndexOf(MailboxName.DELIMITER, i - 1)) {
        String parent = name.substring(0, i);
        if (matchesAny(patterns, parent)) {
          parents.add(parent);
        }
      }
    }
    return parents;
  }

  private static boolean hasMailboxUnder(Set<String> mailboxes, String name) {
    String prefix = name + MailboxName.DELIMITER;
    for (String m : mailboxes) {
      if (m.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAny(List<ListPattern> patterns, String name) {
    for (ListPattern p : patterns) {
      if (p.matches(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> attributes(MailboxInfo info, boolean subscribed) {
    List<String> attrs = new ArrayList<>(4);
    if (info == null) {
      attrs.add("\\NonExistent");
    } else {
      if (!info.selectable()) {
        attrs.add("\\Noselect");
      }
      attrs.add(info.hasChildren() ? "\\HasChildren" : "\\HasNoChildren");
      info.specialUse().ifPresent(u -> attrs.add(MailboxCommands.attribute(u)));
    }
    if (subscribed) {
      attrs.add("\\Subscribed");
    }
    return attrs;
  }

  private ByteBuf line(String kind, List<String> attrs, String name) {
    return line(kind, attrs, name, "");
  }

  private ByteBuf line(String kind, List<String> attrs, String name, String extended) {
    return session.writer().untagged().atom(kind).sp()
        .text("(" + String.join(" ", attrs) + ") \"" + MailboxName.DELIMITER + "\" ")
        .mailbox(name).text(extended).crlf().build();
  }
}

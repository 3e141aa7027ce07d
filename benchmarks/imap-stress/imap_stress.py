#!/usr/bin/env python3
"""Concurrency stress checker for mailgate's local IMAP tier (Python 3 standard library only).

N clients log in as one user and, for T seconds, pick commands at random (seeded) on a few shared
mailboxes: APPEND, SELECT, FETCH, STORE (+/-FLAGS, FLAGS, UNCHANGEDSINCE), COPY, MOVE, EXPUNGE,
UID EXPUNGE, SEARCH, NOOP and a brief IDLE. Every byte a client reads goes through a strict reader
and a per-connection model of what that client was told, and these invariants are checked:

  parse       every response parses (untagged, continuation, tagged; literals; FETCH attributes)
  tag         a tagged response carries the tag of the command in progress, and never appears
              inside another response (inside a FETCH line or swallowed by a literal)
  exists      an untagged FETCH names a sequence number <= the messages the client was told of
              (EXISTS comes before the FETCH of a new message); EXISTS never shrinks the mailbox
  expunge     EXPUNGE names a shown message; numbers shift down after it; a FETCH of a known
              number carries that message's UID; no EXPUNGE during FETCH/STORE/SEARCH (RFC 3501
              section 7.4.1); UIDs ascend with sequence numbers
  modseq      a message's MODSEQ never decreases as seen by one connection (RFC 7162 section 3.1)
  highest     HIGHESTMODSEQ never decreases and is never below a MODSEQ already reported
  store       the FETCH a STORE answers with carries the flags the STORE asked for (+FLAGS: has
              them, -FLAGS: lacks them, FLAGS: exactly them), except messages refused by MODIFIED
  search      SEARCH never answers NO; its numbers name shown messages
  serverbug   no NO [SERVERBUG], no BAD, no unexpected BYE, no stalled response

Exit status: 0 when no invariant broke, 1 otherwise, 2 for a usage or connection problem.
"""

import argparse
import collections
import random
import re
import select
import socket
import ssl
import sys
import threading
import time

SYSTEM_FLAGS = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft"]
KEYWORDS = ["$Stress1", "$Stress2"]
COMMANDS = ["APPEND", "SELECT", "FETCH", "STORE", "COPY", "MOVE", "EXPUNGE", "UID EXPUNGE",
            "SEARCH", "NOOP", "IDLE"]
WEIGHTS = [12, 4, 22, 18, 5, 5, 4, 4, 10, 8, 4]
FETCH_ITEMS = ["FLAGS", "UID", "BODY.PEEK[]", "ENVELOPE", "MODSEQ", "INTERNALDATE", "RFC822.SIZE",
               "BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "BODY[]", "BODYSTRUCTURE", "BODY.PEEK[TEXT]"]


class Violation(Exception):
    """An invariant broke; the connection's state can no longer be trusted."""


class Stalled(Exception):
    """No complete response within the timeout."""


# ---- tokens ---------------------------------------------------------------------------------------

class Literal(bytes):
    """A literal's bytes, kept apart from quoted strings and atoms."""


class Parser:
    """A tokenizer for one response (its lines joined, literals as Literal tokens)."""

    def __init__(self, parts):
        self.parts = parts  # list of bytes (line text) and Literal
        self.i = 0
        self.pos = 0

    def _text(self):
        while self.i < len(self.parts) and not isinstance(self.parts[self.i], Literal) \
                and self.pos >= len(self.parts[self.i]):
            self.i += 1
            self.pos = 0
        if self.i >= len(self.parts):
            return None
        return self.parts[self.i]

    def at_end(self):
        return self._text() is None

    def peek(self):
        t = self._text()
        if t is None:
            return None
        if isinstance(t, Literal):
            return "literal"
        return chr(t[self.pos])

    def sp(self):
        t = self._text()
        if t is None or isinstance(t, Literal) or t[self.pos:self.pos + 1] != b" ":
            raise ValueError("expected SP")
        self.pos += 1

    def maybe_sp(self):
        t = self._text()
        if t is not None and not isinstance(t, Literal) and t[self.pos:self.pos + 1] == b" ":
            self.pos += 1
            return True
        return False

    def value(self):
        """One value: atom (with [..] sections and <..> partials), number, quoted, literal, list."""
        t = self._text()
        if t is None:
            raise ValueError("unexpected end of response")
        if isinstance(t, Literal):
            self.i += 1
            self.pos = 0
            return t
        c = t[self.pos:self.pos + 1]
        if c == b"(":
            self.pos += 1
            out = []
            while True:
                if self.peek() == ")":
                    self.pos += 1
                    return out
                if out:
                    self.sp()
                out.append(self.value())
        if c == b'"':
            j = self.pos + 1
            buf = bytearray()
            while j < len(t):
                ch = t[j:j + 1]
                if ch == b"\\":
                    buf += t[j + 1:j + 2]
                    j += 2
                    continue
                if ch == b'"':
                    self.pos = j + 1
                    return ("quoted", bytes(buf))
                buf += ch
                j += 1
            raise ValueError("unterminated quoted string")
        j = self.pos
        depth = 0
        while j < len(t):
            ch = t[j:j + 1]
            if ch == b"[":
                depth += 1
            elif ch == b"]":
                depth -= 1
            elif depth == 0 and ch in (b" ", b"(", b")", b"{", b'"', b"\r", b"\n"):
                break
            j += 1
        if j == self.pos:
            raise ValueError("expected a value at %r" % t[self.pos:self.pos + 20])
        atom = t[self.pos:j].decode("latin-1")
        self.pos = j
        return atom

    def rest(self):
        t = self._text()
        if t is None:
            return ""
        if isinstance(t, Literal):
            raise ValueError("literal where text was expected")
        s = t[self.pos:].decode("latin-1")
        self.pos = len(t)
        if not self.at_end():
            raise ValueError("text followed by more data")
        return s


def number(v, what):
    if not isinstance(v, str) or not v.isdigit():
        raise ValueError("%s: expected a number, got %r" % (what, v))
    return int(v)


def nstring(v, what):
    if v == "NIL" or isinstance(v, Literal) or (isinstance(v, tuple) and v[0] == "quoted"):
        return v
    raise ValueError("%s: expected a string or NIL, got %r" % (what, v))


# ---- one connection -----------------------------------------------------------------------------

class Conn:
    """One client connection: strict reading, its model of the selected mailbox, the checks."""

    def __init__(self, cid, args, stats, errors, rng):
        self.cid = cid
        self.args = args
        self.stats = stats
        self.errors = errors
        self.rng = rng
        self.transcript = collections.deque(maxlen=args.excerpt)
        self.tagn = 0
        self.sock = None
        self.buf = bytearray()
        self.selected = None
        self.uids = []          # sequence number - 1 -> UID, or None while unknown
        self.modseqs = {}       # (mailbox, uid) -> highest MODSEQ reported
        self.highest = {}       # mailbox -> highest HIGHESTMODSEQ reported
        self.flags = {}         # uid -> flags last reported (selected mailbox)
        self.suspects = {}      # uid -> (STORE answer that looked wrong, command number, transcript)
        self.condstore = False
        self.capabilities = set()

    # -- wire --

    def connect(self):
        raw = socket.create_connection((self.args.host, self.args.port), timeout=self.args.timeout)
        if self.args.tls:
            ctx = ssl.create_default_context(cafile=self.args.cafile) if self.args.cafile \
                else ssl._create_unverified_context()
            raw = ctx.wrap_socket(raw, server_hostname=self.args.host)
        self.sock = raw
        self.buf = bytearray()
        greeting = self.read_response()
        if not greeting[0].startswith(b"* OK"):
            raise Violation("bad greeting %r" % greeting[0])
        self.selected = None
        self.uids = []
        self.modseqs = {}
        self.highest = {}
        self.flags = {}
        self.suspects = {}
        self.condstore = False

    def close(self):
        try:
            if self.sock:
                self.sock.close()
        except OSError:
            pass
        self.sock = None

    def log(self, direction, data):
        text = data.decode("latin-1", "replace").rstrip("\r\n")
        if len(text) > 300:
            text = text[:300] + "...(%d bytes)" % len(text)
        self.transcript.append("%s: %s" % (direction, text))

    def send(self, line):
        self.log("C", line)
        self.sock.sendall(line)

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise Stalled("no data within %ss" % self.args.timeout)
        if not data:
            raise Stalled("connection closed by the server")
        self.buf += data

    def readable(self, seconds):
        """Whether a response starts within {seconds} (bytes buffered here, in TLS, or on the socket)."""
        if self.buf or (self.args.tls and self.sock.pending()):
            return True
        return bool(select.select([self.sock], [], [], seconds)[0])

    def read_line(self):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                if not line.endswith(b"\r\n"):
                    raise Violation("line without CRLF: %r" % line[:200])
                return line
            if len(self.buf) > (1 << 20):
                raise Violation("line longer than 1 MiB")
            self.fill()

    def read_exact(self, n):
        while len(self.buf) < n:
            try:
                self.fill()
            except Stalled as e:
                raise Stalled("literal of %d bytes, %d arrived (%s); got %r" % (n, len(self.buf), e, bytes(self.buf[-300:])))
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read_response(self):
        """One whole response: its lines and literals, as a list of bytes / Literal parts."""
        parts = []
        while True:
            line = self.read_line()
            self.log("S", line)
            m = re.search(rb"\{(\d+)\+?\}\r\n$", line)
            if not m:
                parts.append(line[:-2])
                return parts
            parts.append(line[:m.start()])
            n = int(m.group(1))
            data = self.read_exact(n)
            self.transcript.append("S: <literal %d bytes>" % n)
            # Our messages never hold a line that looks like a tagged response: if one is here, the
            # server wrote it where the literal's bytes belonged.
            if re.search(rb"(^|\r\n)T\d+ (OK|NO|BAD)\b", data):
                raise Violation("a tagged response inside a literal: %r" % data[-300:])
            parts.append(Literal(data))

    def tag(self):
        self.tagn += 1
        return "T%d" % self.tagn

    def command(self, text, kind, literal=None, idle=None):
        """Sends a command and handles every response until its tagged one; returns (status, text)."""
        tag = self.tag()
        ctx = {"kind": kind, "tag": tag, "fetches": [], "search": None, "modified": set()}
        self.stats.count(kind)
        if literal is not None:
            self.send(("%s %s {%d}\r\n" % (tag, text, len(literal))).encode())
            while True:
                parts = self.read_response()
                if parts[0].startswith(b"+"):
                    break
                done = self.handle(parts, ctx)
                if done:
                    return done
            self.send(literal + b"\r\n")
        else:
            self.send(("%s %s\r\n" % (tag, text)).encode())
        if idle is not None:
            while True:
                parts = self.read_response()
                if parts[0].startswith(b"+"):
                    break
                done = self.handle(parts, ctx)
                if done:
                    return done
            end = time.monotonic() + idle
            while time.monotonic() < end and self.readable(max(0.0, end - time.monotonic())):
                self.handle(self.read_response(), ctx)
            self.send(b"DONE\r\n")
        while True:
            done = self.handle(self.read_response(), ctx)
            if done:
                if kind not in ("FETCH", "STORE", "SEARCH"):
                    self.confirm_suspects()
                return done

    def confirm_suspects(self):
        """A STORE answer that looked wrong is one unless its message was expunged before: then the
        FETCH was another session's older change, and this command has reported the EXPUNGE."""
        for uid, (what, number, excerpt) in list(self.suspects.items()):
            if number < self.tagn:
                self.transcript.extend(["(the STORE answer, before the commands after it:)"] + excerpt)
                self.fail(what + " and the message was not expunged")

    # -- checks --

    def fail(self, what):
        raise Violation(what)

    def handle(self, parts, ctx):
        """Applies one response to the model; returns (status, code, text) for the tagged one."""
        first = parts[0]
        if first.startswith(b"+"):
            self.fail("unexpected continuation request")
        if first.startswith(b"* "):
            try:
                self.untagged(parts, ctx)
            except ValueError as e:
                self.fail("unparsable response (%s)" % e)
            return None
        m = re.match(rb"(\S+) (OK|NO|BAD)( \[([^\]]*)\])? ?(.*)$", first)
        if not m or len(parts) > 1:
            self.fail("neither untagged, continuation nor tagged: %r" % first[:200])
        if m.group(1).decode() != ctx["tag"]:
            self.fail("tagged response for %s while %s was in progress" % (m.group(1).decode(), ctx["tag"]))
        status = m.group(2).decode()
        code = (m.group(4) or b"").decode("latin-1")
        text = m.group(5).decode("latin-1")
        if code.startswith("HIGHESTMODSEQ "):
            self.saw_highest(int(code.split()[1]))
        if code.startswith("MODIFIED "):
            ctx["modified"] = expand(code.split()[1])
        if status == "BAD":
            self.fail("BAD answer to %s" % ctx["kind"])
        if code.startswith("SERVERBUG") or "Internal error" in text:
            self.fail("%s answered NO [%s] %s" % (ctx["kind"], code, text))
        if status == "NO" and ctx["kind"] in ("SEARCH", "UID SEARCH"):
            self.fail("SEARCH answered NO [%s] %s" % (code, text))
        if status == "NO":
            self.stats.count("NO " + ctx["kind"] + (" [%s]" % code.split()[0] if code else ""))
        return status, code, text

    def untagged(self, parts, ctx):
        p = Parser(parts)
        p.value()  # "*"
        p.sp()
        head = p.value()
        if isinstance(head, str) and head.isdigit():
            n = int(head)
            p.sp()
            kind = p.value()
            if kind == "EXISTS":
                if n < len(self.uids):
                    self.fail("EXISTS %d after %d messages without EXPUNGE" % (n, len(self.uids)))
                self.uids.extend([None] * (n - len(self.uids)))
            elif kind == "RECENT":
                pass
            elif kind == "EXPUNGE":
                if ctx["kind"] in ("FETCH", "STORE", "SEARCH"):
                    self.fail("EXPUNGE sent during %s (RFC 3501 section 7.4.1)" % ctx["kind"])
                if not 1 <= n <= len(self.uids):
                    self.fail("EXPUNGE %d with %d messages shown" % (n, len(self.uids)))
                uid = self.uids.pop(n - 1)
                self.flags.pop(uid, None)
                self.suspects.pop(uid, None)
            elif kind == "FETCH":
                p.sp()
                self.fetch(n, p.value(), ctx)
            else:
                raise ValueError("unknown numbered response %s" % kind)
            if not p.at_end():
                raise ValueError("data after %s" % kind)
            return
        if head in ("OK", "NO", "BAD", "BYE", "PREAUTH"):
            text = p.rest()
            m = re.match(r" ?\[HIGHESTMODSEQ (\d+)\]", text)
            if m:
                self.saw_highest(int(m.group(1)))
            if head == "BYE" and ctx["kind"] != "LOGOUT":
                self.fail("unexpected BYE%s" % text)
            if head == "BAD":
                self.fail("untagged BAD%s" % text)
            return
        if head in ("SEARCH",):
            nums = []
            while p.maybe_sp():
                v = p.value()
                if isinstance(v, list):
                    if len(v) != 2 or v[0] != "MODSEQ":
                        raise ValueError("bad SEARCH MODSEQ %r" % v)
                    number(v[1], "SEARCH MODSEQ")
                    continue
                nums.append(number(v, "SEARCH"))
            ctx["search"] = nums
            if ctx["kind"] == "SEARCH":
                for n in nums:
                    if n > len(self.uids):
                        self.fail("SEARCH found %d with %d messages shown" % (n, len(self.uids)))
            return
        if head in ("FLAGS", "CAPABILITY", "ENABLED", "LIST", "LSUB", "STATUS", "ESEARCH", "NAMESPACE",
                    "ID", "VANISHED", "QUOTA", "QUOTAROOT"):
            if head == "CAPABILITY":
                self.capabilities = set(p.rest().split())
                return
            if head == "ENABLED" and "CONDSTORE" in p.rest().upper():
                self.condstore = True
                return
            p.rest()
            return
        raise ValueError("unknown untagged response %r" % head)

    def fetch(self, n, atts, ctx):
        if not isinstance(atts, list) or len(atts) % 2:
            raise ValueError("FETCH attributes not a list of pairs: %r" % (atts,))
        if not 1 <= n <= len(self.uids):
            self.fail("FETCH of message %d when the client was told of %d (EXISTS must come first)"
                      % (n, len(self.uids)))
        got = {}
        for i in range(0, len(atts), 2):
            name, v = atts[i], atts[i + 1]
            if not isinstance(name, str):
                raise ValueError("FETCH attribute name %r" % (name,))
            up = name.upper()
            if up == "FLAGS":
                if not isinstance(v, list) or not all(isinstance(f, str) for f in v):
                    raise ValueError("FLAGS %r" % (v,))
                got["FLAGS"] = set(v)
            elif up == "UID":
                got["UID"] = number(v, "UID")
            elif up == "MODSEQ":
                if not isinstance(v, list) or len(v) != 1:
                    raise ValueError("MODSEQ %r" % (v,))
                got["MODSEQ"] = number(v[0], "MODSEQ")
            elif up == "RFC822.SIZE":
                got["SIZE"] = number(v, "RFC822.SIZE")
            elif up == "INTERNALDATE":
                if not (isinstance(v, tuple) and v[0] == "quoted"):
                    raise ValueError("INTERNALDATE %r" % (v,))
            elif up == "ENVELOPE":
                if not isinstance(v, list) or len(v) != 10:
                    raise ValueError("ENVELOPE of %d fields" % (len(v) if isinstance(v, list) else -1))
            elif up in ("BODYSTRUCTURE", "BODY"):
                if not isinstance(v, list):
                    raise ValueError("%s %r" % (up, v))
            elif up.startswith("BODY[") or up.startswith("RFC822") or up.startswith("BINARY"):
                body = nstring(v, up)
                if up.startswith("BODY[]") and isinstance(body, Literal):
                    got["BODY"] = body
            else:
                raise ValueError("unknown FETCH attribute %s" % name)
        uid = got.get("UID")
        known = self.uids[n - 1]
        if uid is not None:
            if known is not None and known != uid:
                self.fail("FETCH %d says UID %d, but message %d is UID %d (sequence numbers shifted wrongly)"
                          % (n, uid, n, known))
            for j, other in enumerate(self.uids):
                if other is None or j == n - 1:
                    continue
                if (j < n - 1 and other >= uid) or (j > n - 1 and other <= uid):
                    self.fail("UID %d at %d is out of order with UID %d at %d" % (uid, n, other, j + 1))
            self.uids[n - 1] = uid
        uid = self.uids[n - 1]
        if "MODSEQ" in got and uid is not None:
            key = (self.selected, uid)
            before = self.modseqs.get(key, 0)
            if got["MODSEQ"] < before:
                self.fail("MODSEQ of UID %d went down from %d to %d" % (uid, before, got["MODSEQ"]))
            self.modseqs[key] = got["MODSEQ"]
            if got["MODSEQ"] > self.highest.get(self.selected, 0):
                self.highest[self.selected] = got["MODSEQ"]
        if "BODY" in got and not got["BODY"].startswith(b"From: stress"):
            self.fail("BODY[] of UID %s is not a stress message: %r" % (uid, bytes(got["BODY"][:80])))
        if "BODY" in got and "SIZE" in got and len(got["BODY"]) != got["SIZE"]:
            self.fail("BODY[] of %d bytes, RFC822.SIZE %d" % (len(got["BODY"]), got["SIZE"]))
        if "FLAGS" in got and uid is not None:
            self.flags[uid] = got["FLAGS"]
        ctx["fetches"].append((n, uid, got))

    def saw_highest(self, value):
        box = self.selected
        if box is None:
            return
        before = self.highest.get(box, 0)
        if value < before:
            self.fail("HIGHESTMODSEQ of %s went down from %d to %d (or below a MODSEQ reported)"
                      % (box, before, value))
        self.highest[box] = value

    # -- commands --

    def login(self):
        st = self.command("LOGIN %s %s" % (quote(self.args.user), quote(self.args.password)), "LOGIN")
        if st[0] != "OK":
            raise SystemExit("login failed: %s %s %s" % st)
        self.command("CAPABILITY", "CAPABILITY")
        if self.cid % 2 == 0:
            self.command("ENABLE CONDSTORE", "ENABLE")

    def select(self, box):
        self.suspects = {}  # their EXPUNGE, if any, is not reported once another mailbox is selected
        self.selected = None
        self.uids = []
        self.flags = {}
        self.selected = box
        st = self.command("SELECT %s" % box, "SELECT")
        if st[0] != "OK":
            self.selected = None
            return
        if self.uids:
            self.command("FETCH 1:* (UID FLAGS)", "FETCH")

    def pick_uids(self, k):
        known = [u for u in self.uids if u is not None]
        if not known:
            return None
        return sorted(self.rng.sample(known, min(k, len(known))))

    def pick_seqs(self, k):
        if not self.uids:
            return None
        return sorted(self.rng.sample(range(1, len(self.uids) + 1), min(k, len(self.uids))))

    def message(self):
        token = "%d-%d-%d" % (self.args.seed, self.cid, self.tagn)
        words = " ".join(self.rng.choice(["alpha", "bravo", "charlie", "delta", "echo", "needle"])
                         for _ in range(self.rng.randint(3, 40)))
        body = "\r\n".join([
            "From: stress <stress@example.test>",
            "To: stress@example.test",
            "Subject: stress %s" % token,
            "Message-ID: <%s@stress.example.test>" % token,
            "X-Stress-Token: %s" % token,
            "",
            words,
            "x" * self.rng.choice([10, 100, 2000, 9000]),
            "",
        ])
        return body.encode()

    def step(self):
        boxes = self.args.boxes
        if self.selected is None:
            self.select(self.rng.choice(boxes))
            return
        cmd = self.rng.choices(COMMANDS, WEIGHTS)[0]
        if cmd == "APPEND" or (len(self.uids) < 3 and cmd in ("FETCH", "STORE", "MOVE", "COPY")):
            box = self.selected if self.rng.random() < 0.7 else self.rng.choice(boxes)
            flags = " ".join(self.rng.sample(SYSTEM_FLAGS[:2] + KEYWORDS, self.rng.randint(0, 2)))
            self.command("APPEND %s (%s)" % (box, flags), "APPEND", literal=self.message())
        elif cmd == "SELECT":
            self.select(self.rng.choice(boxes))
        elif cmd == "FETCH":
            self.do_fetch()
        elif cmd == "STORE":
            self.do_store()
        elif cmd in ("COPY", "MOVE"):
            uids = self.pick_uids(self.rng.randint(1, 4))
            if uids:
                target = self.rng.choice([b for b in boxes if b != self.selected])
                self.command("UID %s %s %s" % (cmd, ",".join(map(str, uids)), target), "UID " + cmd)
        elif cmd == "EXPUNGE":
            if len(self.uids) > self.args.max_messages or self.rng.random() < 0.5:
                seqs = self.pick_seqs(self.rng.randint(1, 6))
                if seqs:
                    self.command("STORE %s +FLAGS.SILENT (\\Deleted)" % ",".join(map(str, seqs)), "STORE")
            self.command("EXPUNGE", "EXPUNGE")
        elif cmd == "UID EXPUNGE":
            uids = self.pick_uids(self.rng.randint(1, 6))
            if uids:
                s = ",".join(map(str, uids))
                self.command("UID STORE %s +FLAGS.SILENT (\\Deleted)" % s, "UID STORE")
                self.command("UID EXPUNGE %s" % s, "UID EXPUNGE")
        elif cmd == "SEARCH":
            self.do_search()
        elif cmd == "NOOP":
            self.command("NOOP", "NOOP")
        elif cmd == "IDLE":
            self.command("IDLE", "IDLE", idle=self.rng.uniform(0.05, 0.5))

    def do_fetch(self):
        items = self.rng.sample(FETCH_ITEMS, self.rng.randint(1, 4))
        if self.rng.random() < 0.5:
            uids = self.pick_uids(self.rng.randint(1, 8))
            if uids:
                self.command("UID FETCH %s (%s)" % (",".join(map(str, uids)), " ".join(items)), "UID FETCH")
        else:
            seqs = self.pick_seqs(self.rng.randint(1, 8))
            if seqs:
                self.command("FETCH %s (%s)" % (",".join(map(str, seqs)), " ".join(items)), "FETCH")

    def do_store(self):
        mode = self.rng.choice(["+FLAGS", "-FLAGS", "FLAGS"])
        flags = self.rng.sample(SYSTEM_FLAGS + KEYWORDS, self.rng.randint(1, 3))
        use_uid = self.rng.random() < 0.6
        chosen = self.pick_uids(self.rng.randint(1, 6)) if use_uid else self.pick_seqs(self.rng.randint(1, 6))
        if not chosen:
            return
        unchanged = ""
        if self.rng.random() < 0.3:
            known = [m for (b, _), m in self.modseqs.items() if b == self.selected]
            base = self.rng.choice(known) if known else self.highest.get(self.selected, 1)
            unchanged = " (UNCHANGEDSINCE %d)" % max(0, base + self.rng.randint(-2, 2))
        kind = "UID STORE" if use_uid else "STORE"
        before_uids = list(self.uids)
        st = self.command("%s %s%s %s (%s)" % (kind, ",".join(map(str, chosen)), unchanged, mode, " ".join(flags)),
                          "STORE" if not use_uid else "UID STORE")
        self.check_store(st, chosen, use_uid, before_uids, mode, flags)

    def check_store(self, st, chosen, use_uid, before_uids, mode, flags):
        status, code, _ = st
        if status != "OK":
            return
        ctx_fetches = self.last_ctx_fetches
        modified = self.last_modified
        targets = set()
        for x in chosen:
            if use_uid:
                if x not in modified:
                    targets.add(x)
            elif x <= len(before_uids) and before_uids[x - 1] is not None and x not in modified:
                targets.add(before_uids[x - 1])
        wanted = set(f.lower() for f in flags)
        checked = set()
        for n, uid, got in ctx_fetches:
            if uid not in targets or uid in checked or "FLAGS" not in got or uid not in self.uids:
                continue  # (not in self.uids: expunged elsewhere and reported during the STORE)
            checked.add(uid)  # the STORE's own answer comes before changes reported after it
            have = set(f.lower() for f in got["FLAGS"]) - {"\\recent"}
            ok = {"+FLAGS": wanted <= have, "-FLAGS": not (wanted & have), "FLAGS": have == wanted}[mode]
            if not ok:
                self.suspects[uid] = ("STORE %s (%s) answered UID %d with FLAGS (%s)"
                                      % (mode, " ".join(flags), uid, " ".join(sorted(got["FLAGS"]))),
                                      self.tagn, list(self.transcript)[-12:])

    def run(self, deadline):
        self.connect()
        self.login()
        while time.monotonic() < deadline:
            self.step()
        self.command("LOGOUT", "LOGOUT")
        self.close()

    def do_search(self):
        keys = ["ALL", "UNSEEN", "FLAGGED", "KEYWORD $Stress1", "NOT DELETED", "BODY needle",
                "TEXT bravo", "SUBJECT stress", "HEADER X-Stress-Token %d" % self.args.seed,
                "LARGER 1000", "OR SEEN ANSWERED"]
        key = self.rng.choice(keys)
        if self.rng.random() < 0.2:
            key += " MODSEQ %d" % max(1, self.highest.get(self.selected, 1) - self.rng.randint(0, 20))
        if self.rng.random() < 0.5:
            self.command("UID SEARCH %s" % key, "UID SEARCH")
        else:
            self.command("SEARCH %s" % key, "SEARCH")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expand(numbers):
    out = set()
    for part in numbers.split(","):
        if ":" in part:
            a, b = part.split(":")
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()

    def count(self, kind):
        with self.lock:
            self.counts[kind] += 1


class Recorder(Conn):
    """A Conn that keeps the last command's FETCH responses and MODIFIED set for the STORE check."""

    def command(self, text, kind, literal=None, idle=None):
        self.last_ctx_fetches = []
        self.last_modified = set()
        return super().command(text, kind, literal, idle)

    def handle(self, parts, ctx):
        done = super().handle(parts, ctx)
        self.last_ctx_fetches = ctx["fetches"]
        self.last_modified = ctx["modified"]
        return done


def client(cid, args, stats, errors, deadline):
    rng = random.Random("%d/%d" % (args.seed, cid))
    conn = Recorder(cid, args, stats, errors, rng)
    while time.monotonic() < deadline:
        try:
            conn.run(deadline)
            return
        except (Violation, Stalled) as e:
            with stats.lock:
                errors.append((cid, "%s: %s" % (type(e).__name__, e), list(conn.transcript)))
            stats.count("errors")
        except OSError as e:
            with stats.lock:
                errors.append((cid, "connection: %s" % e, list(conn.transcript)))
            stats.count("errors")
        conn.close()
        conn.transcript.clear()
        stats.count("reconnects")


def prepare(args):
    setup = Recorder(-1, args, Stats(), [], random.Random(args.seed))
    setup.connect()
    setup.login()
    for box in args.boxes:
        setup.command("CREATE %s" % box, "CREATE")
    setup.command("LOGOUT", "LOGOUT")
    setup.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3143, help="IMAP port (default 3143; 3993 with --tls)")
    ap.add_argument("--tls", action="store_true", help="implicit TLS (IMAPS)")
    ap.add_argument("--cafile", help="CA file for --tls (e.g. data/tls/selfsigned-cert.pem); unverified without")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--boxes", default="stress-a,stress-b,stress-c", help="shared mailboxes, comma-separated")
    ap.add_argument("--max-messages", type=int, default=150, help="above this, EXPUNGE deletes first")
    ap.add_argument("--timeout", type=float, default=20, help="seconds a response may take")
    ap.add_argument("--excerpt", type=int, default=40, help="transcript lines kept per error")
    ap.add_argument("--show", type=int, default=5, help="errors printed in full")
    args = ap.parse_args()
    args.boxes = args.boxes.split(",")
    if len(args.boxes) < 2:
        ap.error("--boxes needs at least two mailboxes (COPY and MOVE go from one to another)")
    try:
        prepare(args)
    except (OSError, Violation, Stalled) as e:
        print("imap_stress: cannot prepare the mailboxes: %s" % e, file=sys.stderr)
        return 2
    stats = Stats()
    errors = []
    deadline = time.monotonic() + args.seconds
    threads = [threading.Thread(target=client, args=(i, args, stats, errors, deadline), daemon=True)
               for i in range(args.clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + args.timeout * 3)
    took = time.monotonic() - start
    counts = stats.counts
    commands = sum(v for k, v in counts.items() if not k.startswith("NO ") and k not in ("errors", "reconnects"))
    print("imap_stress: seed %d, %d clients, %.0f s: %d commands (%.0f/s), %d errors, %d reconnects"
          % (args.seed, args.clients, took, commands, commands / max(took, 0.001), len(errors),
             counts["reconnects"]))
    print("  " + ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items())))
    kinds = collections.Counter(re.sub(r"\d+", "N", e[1])[:90] for e in errors)
    for k, v in kinds.most_common():
        print("  %4d x %s" % (v, k))
    for cid, what, excerpt in errors[:args.show]:
        print("\n--- client %d: %s" % (cid, what))
        for line in excerpt:
            print("    " + line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

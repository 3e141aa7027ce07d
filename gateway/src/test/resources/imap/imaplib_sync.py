"""A typical client sync with Python's imaplib against the local tier (run by LocalImapRealClientsTest).

Usage: imaplib_sync.py HOST PORT USER PASSWORD
INBOX holds the three messages of LocalImapServer (1 unflagged, 2 \\Seen multipart, 3 \\Flagged).
Every step checks the server's answer and exits non-zero on the first surprise; the Java test then
checks the store. IDLE is driven by hand (imaplib has no idle() before Python 3.14): a second
connection APPENDs while the first idles, and the first must hear "* n EXISTS" before DONE.
"""
import imaplib
import re
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def ok(result, what):
    typ, data = result
    if typ != "OK":
        sys.exit(f"{what}: {typ} {data!r}")
    return data


def body(data):
    """The literal or quoted string of a one-item FETCH answer."""
    item = data[0]
    if isinstance(item, tuple):
        return item[1]
    match = re.search(rb'"((?:[^"\\]|\\.)*)"\)$', item)
    if not match:
        sys.exit(f"no string in {item!r}")
    return match.group(1)


def connect():
    m = imaplib.IMAP4(host, port, timeout=10)
    ok(m.login(user, password), "LOGIN")
    return m


m = connect()
# imaplib keeps the greeting's capabilities; ask again after login, as clients do.
caps = set(ok(m.capability(), "CAPABILITY")[0].decode().upper().split())
for cap in ("IDLE", "MOVE", "UIDPLUS", "SPECIAL-USE"):
    if cap not in caps:
        sys.exit(f"capability {cap} missing from {sorted(caps)}")

names = [re.search(rb'"([^"]*)"$', line).group(1).decode() for line in ok(m.list('""', "*"), "LIST")]
for name in ("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"):
    if name not in names:
        sys.exit(f"LIST lacks {name}: {names}")

exists = int(ok(m.select("INBOX"), "SELECT")[0])
if exists != 3:
    sys.exit(f"SELECT INBOX: {exists} EXISTS, expected 3")

# Headers of everything, the way a client fills its message list.
data = ok(m.fetch("1:*", "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])"), "FETCH headers")
headers = {}
for item in data:
    if isinstance(item, tuple):
        meta, text = item
        uid = int(re.search(rb"UID (\d+)", meta).group(1))
        headers[uid] = text.decode()
subjects = {uid: re.search(r"Subject: (.*)\r\n", h).group(1) for uid, h in headers.items()}
if subjects != {1: "afternoon meeting", 2: "holiday pictures", 3: "invoice"}:
    sys.exit(f"FETCH headers: {subjects}")

# A partial body fetch, as clients do for previews and large messages.
data = ok(m.uid("FETCH", "2", "(BODY.PEEK[]<0.30>)"), "UID FETCH partial")
partial = body(data)
if partial != b"Date: Tue, 8 Feb 1994 10:00:00":
    sys.exit(f"partial body: {partial!r}")
data = ok(m.uid("FETCH", "2", "(BODY.PEEK[1])"), "UID FETCH part 1")
if body(data) != b"See the attached picture.":
    sys.exit(f"part 1: {body(data)!r}")

# Flags.
data = ok(m.uid("STORE", "1", "+FLAGS", r"(\Seen $Important)"), "UID STORE")
if b"\\Seen" not in data[0] or b"$Important" not in data[0]:
    sys.exit(f"UID STORE answered {data!r}")
if ok(m.uid("SEARCH", None, "UNSEEN"), "UID SEARCH UNSEEN") != [b"3"]:
    sys.exit("UID SEARCH UNSEEN should find only 3")
if ok(m.uid("SEARCH", None, "FROM", '"bob"'), "UID SEARCH FROM") != [b"3"]:
    sys.exit("UID SEARCH FROM bob should find 3")
if ok(m.uid("SEARCH", None, "KEYWORD", "$Important"), "UID SEARCH KEYWORD") != [b"1"]:
    sys.exit("UID SEARCH KEYWORD $Important should find 1")

# Copy to Archive, move to Trash.
ok(m.uid("COPY", "3", "Archive"), "UID COPY")
archived = ok(m.status("Archive", "(MESSAGES)"), "STATUS Archive")[0]
if b"MESSAGES 1" not in archived:
    sys.exit(f"STATUS Archive after UID COPY: {archived!r}")
typ, data = m.uid("MOVE", "1", "Trash")
if typ != "OK":
    sys.exit(f"UID MOVE: {typ} {data!r}")
expunged = m.untagged_responses.pop("EXPUNGE", [])
if expunged != [b"1"]:
    sys.exit(f"UID MOVE should report * 1 EXPUNGE, got {expunged!r}")

# Delete and expunge what is left of the invoice (now message 2).
ok(m.uid("STORE", "3", "+FLAGS.SILENT", r"(\Deleted)"), "UID STORE \\Deleted")
data = ok(m.expunge(), "EXPUNGE")
if data != [b"2"]:
    sys.exit(f"EXPUNGE should report message 2, got {data!r}")

# IDLE: another session appends; this one hears of it before DONE.
tag = m._new_tag().decode()
m.send(f"{tag} IDLE\r\n".encode())
if not m.readline().startswith(b"+"):
    sys.exit("IDLE: no continuation")
other = connect()
ok(other.append("INBOX", r"(\Flagged)", None, b"Subject: pushed\r\n\r\nhello\r\n"), "APPEND from a second session")
other.logout()
line = m.readline()
while line.startswith(b"* ") and b"EXISTS" not in line:
    line = m.readline()
if line.strip() != b"* 2 EXISTS":
    sys.exit(f"IDLE: expected * 2 EXISTS, got {line!r}")
m.send(b"DONE\r\n")
line = m.readline()
while line.startswith(b"* "):
    line = m.readline()
if not line.startswith(f"{tag} OK".encode()):
    sys.exit(f"IDLE: DONE answered {line!r}")

ok(m.close(), "CLOSE")
m.logout()
print("imaplib sync OK")

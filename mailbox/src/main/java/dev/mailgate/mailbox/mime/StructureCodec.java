package dev.mailgate.mailbox.mime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compact binary form in which stores cache a {@link MessageStructure} (one column per
 * message). Version-tagged so the format can evolve; strings are length-prefixed UTF-8 with -1 for
 * null.
 */
public final class StructureCodec {
  private static final int VERSION = 1;

  private StructureCodec() {}

  public static byte[] encode(MessageStructure s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeLong(s.size());
      out.writeLong(s.sentDate().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE));
      envelope(out, s.envelope());
      part(out, s.root());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MessageStructure decode(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int v = in.readByte();
      if (v != VERSION) {
        throw new IllegalStateException("unknown structure version " + v);
      }
      long size = in.readLong();
      long sent = in.readLong();
      Envelope env = envelope(in);
      BodyPart root = part(in);
      return new MessageStructure(
          env, root, size, sent == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(sent)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void envelope(DataOutputStream out, Envelope e) throws IOException {
    str(out, e.date());
    str(out, e.subject());
    for (List<EnvelopeAddress> l : List.of(e.from(), e.sender(), e.replyTo(), e.to(), e.cc(), e.bcc())) {
      out.writeInt(l.size());
      for (EnvelopeAddress a : l) {
        str(out, a.name());
        str(out, a.adl());
        str(out, a.mailbox());
        str(out, a.host());
      }
    }
    str(out, e.inReplyTo());
    str(out, e.messageId());
  }

  private static Envelope envelope(DataInputStream in) throws IOException {
    String date = str(in);
    String subject = str(in);
    List<List<EnvelopeAddress>> lists = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = in.readInt();
      List<EnvelopeAddress> l = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        l.add(new EnvelopeAddress(str(in), str(in), str(in), str(in)));
      }
      lists.add(l);
    }
    return new Envelope(date, subject, lists.get(0), lists.get(1), lists.get(2), lists.get(3),
        lists.get(4), lists.get(5), str(in), str(in));
  }

  private static void part(DataOutputStream out, BodyPart p) throws IOException {
    str(out, p.type());
    str(out, p.subtype());
    map(out, p.params());
    str(out, p.id());
    str(out, p.description());
    str(out, p.encoding());
    str(out, p.md5());
    str(out, p.disposition());
    map(out, p.dispositionParams());
    out.writeInt(p.language().size());
    for (String l : p.language()) {
      str(out, l);
    }
    str(out, p.location());
    out.writeLong(p.headerOffset());
    out.writeLong(p.bodyOffset());
    out.writeLong(p.bodyEnd());
    out.writeLong(p.lines());
    out.writeBoolean(p.envelope() != null);
    if (p.envelope() != null) {
      envelope(out, p.envelope());
    }
    out.writeInt(p.children().size());
    for (BodyPart c : p.children()) {
      part(out, c);
    }
  }

  private static BodyPart part(DataInputStream in) throws IOException {
    String type = str(in);
    String subtype = str(in);
    Map<String, String> params = map(in);
    String id = str(in);
    String description = str(in);
    String encoding = str(in);
    String md5 = str(in);
    String disposition = str(in);
    Map<String, String> dispositionParams = map(in);
    int nl = in.readInt();
    List<String> language = new ArrayList<>(nl);
    for (int i = 0; i < nl; i++) {
      language.add(str(in));
    }
    String location = str(in);
    long headerOffset = in.readLong();
    long bodyOffset = in.readLong();
    long bodyEnd = in.readLong();
    long lines = in.readLong();
    Envelope env = in.readBoolean() ? envelope(in) : null;
    int nc = in.readInt();
    List<BodyPart> children = new ArrayList<>(nc);
    for (int i = 0; i < nc; i++) {
      children.add(part(in));
    }
    return new BodyPart(type, subtype, params, id, description, encoding, md5, disposition,
        dispositionParams, language, location, headerOffset, bodyOffset, bodyEnd, lines, children, env);
  }

  private static void map(DataOutputStream out, Map<String, String> m) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      str(out, e.getKey());
      str(out, e.getValue());
    }
  }

  private static Map<String, String> map(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(str(in), str(in));
    }
    return m;
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String str(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}

package dev.mailgate.codec.imap;

import dev.mailgate.codec.DecodeFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes status responses and continuation requests (RFC 9051 sections 7.1 and 7.5): {@code tag
 * OK [CODE args] text}, {@code * BYE ...}, {@code + text}. Text is validated (no CR or LF, so a
 * value can never inject a line). For untagged data with strings and literals use {@link
 * ImapResponseWriter}. {@link #failure} is the one reply table from {@link DecodeFailure} to IMAP
 * (PRODUCT.md, "How it answers").
 */
public final class ImapResponseEncoder {
  private ImapResponseEncoder() {}

  /** {@code tag SP status SP [code] text CRLF}. */
  public static void writeTagged(
      ByteBuf out, String tag, ImapStatus status, ResponseCode code, String text) {
    checkTag(tag);
    ByteBufUtil.writeAscii(out, tag);
    out.writeByte(' ');
    writeStatus(out, status, code, text);
  }

  /** {@code * SP status SP [code] text CRLF}. */
  public static void writeUntagged(ByteBuf out, ImapStatus status, ResponseCode code, String text) {
    out.writeByte('*').writeByte(' ');
    writeStatus(out, status, code, text);
  }

  /** {@code + SP text CRLF}: a continuation request (text may be base64 for SASL). */
  public static void writeContinuation(ByteBuf out, String text) {
    checkText(text);
    out.writeByte('+').writeByte(' ');
    ByteBufUtil.writeUtf8(out, text);
    out.writeByte('\r').writeByte('\n');
  }

  public static ByteBuf tagged(
      ByteBufAllocator alloc, String tag, ImapStatus status, ResponseCode code, String text) {
    ByteBuf out = alloc.buffer(sizeHint(code, text));
    try {
      writeTagged(out, tag, status, code, text);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  public static ByteBuf untagged(
      ByteBufAllocator alloc, ImapStatus status, ResponseCode code, String text) {
    ByteBuf out = alloc.buffer(sizeHint(code, text));
    try {
      writeUntagged(out, status, code, text);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  public static ByteBuf continuation(ByteBufAllocator alloc, String text) {
    ByteBuf out = alloc.buffer(4 + text.length());
    try {
      writeContinuation(out, text);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * The answer to a decode failure: {@code tag BAD [TOOBIG]} for a line or literal too long,
   * {@code NO [TOOBIG]} for a message too big, {@code BAD [LIMIT]} for too many items or too deep
   * nesting, {@code NO} for a mailbox name that is not modified UTF-7, {@code BAD} otherwise;
   * untagged ({@code * BAD}) when no tag could be read.
   */
  public static ByteBuf failure(ByteBufAllocator alloc, DecodeFailure failure) {
    ImapStatus status = ImapStatus.BAD;
    ResponseCode code = null;
    String text;
    switch (failure.error()) {
      case LINE_TOO_LONG, LITERAL_TOO_BIG -> {
        code = ResponseCode.TOOBIG;
        text = "Command or literal too long";
      }
      case MESSAGE_TOO_BIG -> {
        status = ImapStatus.NO;
        code = ResponseCode.TOOBIG;
        text = "Message too big";
      }
      case TOO_MANY_PARAMETERS, NESTING_TOO_DEEP, TOO_MANY_PIPELINED -> {
        code = ResponseCode.LIMIT;
        text = "Command too complex";
      }
      case UNKNOWN_COMMAND -> text = "Unknown command";
      case BAD_LINE_ENDING -> text = "Lines must end with CRLF";
      case BAD_CHARACTER -> text = "Invalid character in command";
      case BAD_ENCODING -> text = "Invalid base64 or SASL message";
      case BAD_MAILBOX_NAME -> {
        status = ImapStatus.NO;
        text = "Mailbox name is not valid mUTF-7";
      }
      default -> text = "Syntax error";
    }
    String tag = failure.tag();
    return tag == null ? untagged(alloc, status, code, text) : tagged(alloc, tag, status, code, text);
  }

  /** Room for the reply, so that a long code (a CAPABILITY list) does not make the buffer grow. */
  private static int sizeHint(ResponseCode code, String text) {
    int n = 32 + text.length();
    if (code != null) {
      n += code.atom().length() + (code.arguments() == null ? 0 : code.arguments().length() + 1);
    }
    return n;
  }

  private static void writeStatus(ByteBuf out, ImapStatus status, ResponseCode code, String text) {
    checkText(text);
    ByteBufUtil.writeAscii(out, status.name());
    out.writeByte(' ');
    if (code != null) {
      // The atom and its arguments as toString() joins them, without building that string.
      out.writeByte('[');
      ByteBufUtil.writeUtf8(out, code.atom());
      if (code.arguments() != null) {
        out.writeByte(' ');
        ByteBufUtil.writeUtf8(out, code.arguments());
      }
      out.writeByte(']').writeByte(' ');
    }
    ByteBufUtil.writeUtf8(out, text.isEmpty() ? "" : text);
    out.writeByte('\r').writeByte('\n');
  }

  private static void checkTag(String tag) {
    if (tag == null || tag.isEmpty()) {
      throw new IllegalArgumentException("missing tag");
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (c > 0x7e || !ImapChars.isTagChar((byte) c)) {
        throw new IllegalArgumentException("bad tag");
      }
    }
  }

  static void checkText(String text) {
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("response text must not contain CR, LF or NUL");
    }
  }
}

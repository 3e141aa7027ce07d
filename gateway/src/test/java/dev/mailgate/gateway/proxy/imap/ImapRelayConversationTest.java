package dev.mailgate.gateway.proxy.imap;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where a relayed IMAP conversation may take a goodbye, fed whole and in random splits. */
class ImapRelayConversationTest {

  private final ImapRelayConversation c = new ImapRelayConversation();
  private final Random random = new Random(42);

  private void client(String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    try {
      c.fromClient(b, 0, b.writerIndex());
    } finally {
      b.release();
    }
  }

  /** Feeds the backend's bytes in random pieces, as a relay reads them. */
  private void backend(String s) {
    ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    try {
      int i = 0;
      while (i < b.writerIndex()) {
        int to = Math.min(b.writerIndex(), i + 1 + random.nextInt(7));
        while (i < to) {
          i = c.fromBackend(b, i, to);
        }
      }
    } finally {
      b.release();
    }
  }

  @Test
  void aCommandIsInFlightUntilItsTaggedResponse() {
    assertThat(c.atRest()).isTrue();
    client("a1 FETCH 1 BODY[]\r\n");
    assertThat(c.atRest()).isFalse();
    backend("* 1 FETCH (BODY[] {12}\r\nab\r\n");
    assertThat(c.betweenResponses()).as("inside the literal").isFalse();
    backend("cd\r\nefgh)\r\n");
    assertThat(c.betweenResponses()).isTrue();
    assertThat(c.atRest()).as("the tagged response is still to come").isFalse();
    backend("a1 OK Fetch completed\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void aLiteralThatLooksLikeATaggedResponseIsSkipped() {
    client("a1 FETCH 1 BODY[]\r\n");
    backend("* 1 FETCH (BODY[] {20}\r\na1 OK not the end\r\n)\r\n");
    assertThat(c.atRest()).isFalse();
    backend("a1 OK done\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void anIdleSessionIsAtRestAndDoneThenTheTaggedOkEndIt() {
    client("a1 IDLE\r\n");
    assertThat(c.atRest()).as("an IDLE may be interrupted by BYE").isTrue();
    backend("+ idling\r\n* 3 EXISTS\r\n");
    assertThat(c.atRest()).isTrue();
    client("DONE\r\n");
    assertThat(c.atRest()).isTrue();
    backend("a1 OK Idle completed\r\n");
    client("a2 NOOP\r\n");
    assertThat(c.atRest()).isFalse();
  }

  @Test
  void anAppendWhoseLiteralIsStillComingIsNotAtRest() {
    client("a1 APPEND INBOX {11}\r\n");
    assertThat(c.clientBetweenCommands()).isFalse();
    backend("+ OK\r\n");
    assertThat(c.atRest()).isFalse();
    client("hello\r\nwor");
    assertThat(c.clientBetweenCommands()).isFalse();
    client("ld\r\n");
    assertThat(c.clientBetweenCommands()).isTrue();
    backend("a1 OK [APPENDUID 1 5] Append completed\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void aNonSynchronisingAndAnEmptyLiteralContinueTheCommand() {
    client("a1 LOGIN {0+}\r\n {3+}\r\nabc\r\n");
    assertThat(c.clientBetweenCommands()).isTrue();
    assertThat(c.atRest()).isFalse();
    backend("a1 NO nope\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void pipelinedCommandsAreAllAnsweredBeforeRest() {
    client("a1 NOOP\r\na2 NOOP\r\na3 NOOP\r\n");
    backend("a1 OK\r\na2 OK\r\n");
    assertThat(c.atRest()).isFalse();
    backend("a3 OK\r\n");
    assertThat(c.atRest()).isTrue();
  }

  @Test
  void logoutIsTheClientsGoodbyeOnceItsLineEndsAndALiteralSayingLogoutIsNot() {
    client("a1 APPEND INBOX {8}\r\nb LOGOUT\r\n"); // a literal's octets are not a command
    assertThat(c.clientSaidGoodbye()).isFalse();
    client("a2 log");
    assertThat(c.clientSaidGoodbye()).isFalse();
    client("out\r\n");
    assertThat(c.clientSaidGoodbye()).isTrue();
  }

  @Test
  void aSessionOfResettableCommandsIsReusableOnceEveryReplyIsIn() {
    client("a1 SELECT INBOX\r\n");
    assertThat(c.reusable()).as("SELECT in flight").isFalse();
    backend("* 3 EXISTS\r\na1 OK [READ-WRITE] done\r\n");
    client("a2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\n");
    backend("* 1 FETCH (UID 1 FLAGS () BODY[HEADER] {4}\r\nab\r\n)\r\na2 OK done\r\n");
    assertThat(c.reusable()).isTrue();
    assertThat(c.selected()).isTrue();
    client("a3 UNSELECT\r\n");
    backend("a3 OK done\r\n");
    assertThat(c.selected()).isFalse();
    assertThat(c.reusable()).isTrue();
  }

  @Test
  void enableCompressOrAnUnknownCommandMakeTheSessionUnfitForAnotherLogin() {
    for (String command : new String[] {"ENABLE CONDSTORE", "COMPRESS DEFLATE", "NOTIFY NONE", "XFOO", "UNAUTHENTICATE"}) {
      ImapRelayConversation fresh = new ImapRelayConversation();
      ByteBuf b = Unpooled.copiedBuffer("a1 " + command + "\r\n", StandardCharsets.US_ASCII);
      ByteBuf r = Unpooled.copiedBuffer("a1 OK done\r\n", StandardCharsets.US_ASCII);
      try {
        fresh.fromClient(b, 0, b.writerIndex());
        fresh.fromBackend(r, 0, r.writerIndex());
      } finally {
        b.release();
        r.release();
      }
      assertThat(fresh.atRest()).isTrue();
      assertThat(fresh.reusable()).as(command).isFalse();
    }
  }

  @Test
  void anIdlingSessionIsNotReusable() {
    client("a1 IDLE\r\n");
    backend("+ idling\r\n");
    assertThat(c.atRest()).isTrue();
    assertThat(c.reusable()).isFalse();
    client("DONE\r\n");
    backend("a1 OK done\r\n");
    assertThat(c.reusable()).isTrue();
  }

  @Test
  void onlyAWholeLoneLogoutLineIsAnsweredAtTheGateway() {
    assertThat(logoutTag("a7 LOGOUT\r\n")).isEqualTo("a7");
    assertThat(logoutTag("x.1 logout\n")).isEqualTo("x.1");
    assertThat(logoutTag("a7 LOGOUT")).as("no line end yet").isNull();
    assertThat(logoutTag("a7 LOG")).isNull();
    assertThat(logoutTag("a7 LOGOUT extra\r\n")).isNull();
    assertThat(logoutTag("a1 NOOP\r\na7 LOGOUT\r\n")).as("pipelined behind another").isNull();
    assertThat(logoutTag("a+ LOGOUT\r\n")).as("not a tag").isNull();
    assertThat(logoutTag("* LOGOUT\r\n")).isNull();
    assertThat(logoutTag(" LOGOUT\r\n")).isNull();
  }

  private static String logoutTag(String line) {
    ByteBuf b = Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
    try {
      return LogoutHandover.logoutTag(b);
    } finally {
      b.release();
    }
  }
}

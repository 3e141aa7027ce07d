package dev.mailgate.gateway.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;

/**
 * A Lua script of this package's resources, run by its SHA1 ({@code EVALSHA}) and sent whole
 * only when the server does not know it (first use, or after a restart of Redis): a script runs
 * atomically, so each shared counter update is one step that no other node interleaves with.
 */
final class LuaScript {
  private final String text;
  private final String sha;

  private LuaScript(String text) {
    this.text = text;
    this.sha = sha1(text);
  }

  static LuaScript resource(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("script " + name + " missing from the jar");
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script for an integer reply. */
  Mono<Long> run(StatefulRedisConnection<String, String> c, String[] keys, String... args) {
    return c.reactive().<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).next()
        .onErrorResume(RedisNoScriptException.class,
            e -> c.reactive().<Long>eval(text, ScriptOutputType.INTEGER, keys, args).next());
  }

  /**
   * Sends the script now, without waiting for the reply: {@code EVAL} with the whole text, so
   * nothing depends on the server's script cache. Commands of one connection run in the order
   * sent, so a later call on the same connection sees this one's effect.
   */
  void send(StatefulRedisConnection<String, String> c, String[] keys, String... args) {
    c.async().eval(text, ScriptOutputType.INTEGER, keys, args);
  }

  private static String sha1(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1")
          .digest(s.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.mailgate.gateway.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds ports for tests that bind fixed configured ports. */
public final class FreePorts {

  private FreePorts() {}

  /** One free loopback port. */
  public static int one() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An offset such that every {@code base + offset} port is free on all addresses now. */
  public static int offsetFor(int... bases) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int offset = 10_000 + ThreadLocalRandom.current().nextInt(50_000) / 10 * 10;
      boolean free = true;
      for (int b : bases) {
        int p = b + offset;
        if (p > 65535 || !bindable(p)) {
          free = false;
          break;
        }
      }
      if (free) {
        return offset;
      }
    }
    throw new IllegalStateException("no free port offset found");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The embedded default's ports and its admin port. */
  public static final int[] EMBEDDED = {3025, 3587, 3465, 3110, 3995, 3143, 3993, 8025};
}

package dev.mailgate.gateway.proxy.smtp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway knows about its SMTP client, conveyed to a backend that advertises XCLIENT
 * (Postfix XCLIENT_README: ADDR, PORT, NAME, HELO, PROTO, LOGIN). Only the attributes the backend
 * names in its EHLO reply are sent; {@code null} fields are left out.
 *
 * @param address the client's IP address (as a literal, without brackets)
 * @param port the client's TCP port, or -1
 * @param name the client's verified reverse name, or {@code null} ({@code [UNAVAILABLE]} is sent)
 * @param helo the client's EHLO/HELO argument, or {@code null}
 * @param proto {@code SMTP} or {@code ESMTP}, or {@code null}
 * @param login the SASL login name the gateway verified, or {@code null} (the backend then treats the
 *     session as authenticated as this user: only set it when the gateway checked the login)
 */
public record ClientFacts(String address, int port, String name, String helo, String proto, String login) {

  public static ClientFacts of(String address, int port) {
    return new ClientFacts(address, port, null, null, null, null);
  }

  public ClientFacts withHelo(String heloName, boolean esmtp) {
    return new ClientFacts(address, port, name, heloName, esmtp ? "ESMTP" : "SMTP", login);
  }

  public ClientFacts withLogin(String user) {
    return new ClientFacts(address, port, name, helo, proto, user);
  }

  /** The XCLIENT attributes in order, limited to those {@code advertised} (upper case names). */
  Map<String, String> attributes(java.util.Set<String> advertised) {
    Map<String, String> out = new LinkedHashMap<>();
    put(out, advertised, "ADDR", address);
    put(out, advertised, "PORT", port > 0 ? Integer.toString(port) : null);
    put(out, advertised, "NAME", name == null && address != null ? "[UNAVAILABLE]" : name);
    put(out, advertised, "HELO", helo);
    put(out, advertised, "PROTO", proto);
    put(out, advertised, "LOGIN", login);
    return out;
  }

  private static void put(Map<String, String> out, java.util.Set<String> advertised, String key, String value) {
    if (value != null && advertised.contains(key)) {
      out.put(key, value);
    }
  }
}

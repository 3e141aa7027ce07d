package dev.mailgate.config.model;

import java.util.List;

/** Backends sharing users by rendezvous hashing on the user name. */
public record PoolConfig(String name, List<String> members, HealthCheckConfig healthCheck) {
  public PoolConfig {
    members = List.copyOf(members);
  }
}

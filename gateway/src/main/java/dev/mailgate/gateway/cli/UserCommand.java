package dev.mailgate.gateway.cli;

import dev.mailgate.config.model.MailgateConfig;
import dev.mailgate.gateway.app.LocalDomainIndex;
import dev.mailgate.mailbox.store.MailStoreException;
import dev.mailgate.mailbox.user.Argon2id;
import dev.mailgate.mailbox.user.DovecotPasswdFile;
import dev.mailgate.mailbox.user.UserStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mailgate user ...}: the local tier's users, in {@code users.db} under the local data
 * directory ({@code local.data_dir}, by default {@code <data>/local}). Works while mailgate runs:
 * SQLite (WAL) serialises the writes, and the running gateway reads every login and delivery from
 * the database, so a change applies at once. Every domain with a local user is a local domain, so
 * {@code user add me@example.test} also makes {@code example.test} local.
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manage local-tier users (works while mailgate runs; changes apply at once).",
    subcommands = {
      UserCommand.Add.class,
      UserCommand.Passwd.class,
      UserCommand.Del.class,
      UserCommand.ListUsers.class,
      UserCommand.Alias.class,
      UserCommand.Unalias.class,
      UserCommand.ImportDovecot.class
    })
final class UserCommand implements Runnable {

  /** How long a command waits for the database (Argon2id hashing included). */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @ParentCommand MailgateCommand root;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The shared body of every user subcommand: open the store, run, map failures to exit codes. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @ParentCommand UserCommand user;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      MailgateConfig cfg;
      try {
        cfg = configOption.load();
      } catch (ConfigOption.ConfigErrors e) {
        err.println(e.getMessage());
        return ExitCodes.USAGE;
      }
      Path dir = cfg.local().dataDir();
      try (UserStore users = UserStore.open(dir, Argon2id.Params.defaults(), 1)) {
        return run(users, cfg, spec.commandLine().getOut(), err);
      } catch (MailStoreException e) {
        err.println("mailgate user " + spec.name() + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (IllegalArgumentException e) {
        err.println("mailgate user " + spec.name() + ": " + e.getMessage());
        return ExitCodes.USAGE;
      }
    }

    abstract int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err);

    Passwords passwords() {
      return new Passwords(user.root.stdin(), spec.commandLine().getErr());
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Create a user. Prompts twice for the password (not echoed), or reads one line"
          + " from standard input with --password-stdin.",
          "The user's domain becomes a local domain: mail to it is delivered here."})
  static final class Add extends Base {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "The user's address, e.g. me@example.test.")
    String address;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      char[] pw = passwords().read(address, passwordStdin);
      if (pw == null) {
        return ExitCodes.USAGE;
      }
      users.add(address, pw).block(TIMEOUT);
      java.util.Arrays.fill(pw, '\0');
      String domain = LocalDomainIndex.domainOf(address);
      out.println("added " + address + (domain == null ? "" : "; " + domain + " is a local domain"));
      if (domain == null) {
        err.println("note: " + address + " has no @domain; mail can reach it only through an alias");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true,
      description = "Change a user's password (prompted twice, or --password-stdin).")
  static final class Passwd extends Base {
    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      char[] pw = passwords().read(address, passwordStdin);
      if (pw == null) {
        return ExitCodes.USAGE;
      }
      users.passwd(address, pw).block(TIMEOUT);
      java.util.Arrays.fill(pw, '\0');
      out.println("password changed for " + address);
      return ExitCodes.OK;
    }
  }

  @Command(name = "del", mixinStandardHelpOptions = true,
      description = "Delete a user and its aliases (its mailboxes stay in the store).")
  static final class Del extends Base {
    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      users.delete(address).block(TIMEOUT);
      out.println("deleted " + address);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List users: address, password scheme, aliases.")
  static final class ListUsers extends Base {
    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      List<UserStore.UserInfo> all = users.list().collectList().block(TIMEOUT);
      for (UserStore.UserInfo u : all) {
        out.println(u.name() + "\t" + u.scheme().name().toLowerCase(java.util.Locale.ROOT)
            + (u.aliases().isEmpty() ? "" : "\t" + String.join(",", u.aliases())));
      }
      if (all.isEmpty()) {
        err.println("no users yet: mailgate user add ADDRESS");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "alias", mixinStandardHelpOptions = true,
      description = {"Deliver mail for ALIAS to an existing user.",
          "ALIAS's domain becomes a local domain. E.g. alias postmaster@example.test me@example.test"
              + " (RFC 5321 4.5.1 postmaster; see local.postmaster in docs/configuration.md)."})
  static final class Alias extends Base {
    @Parameters(index = "0", paramLabel = "ALIAS", description = "The address to deliver, e.g. postmaster@example.test.")
    String alias;

    @Parameters(index = "1", paramLabel = "USER", description = "The existing user that receives its mail.")
    String target;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      users.addAlias(alias, target).block(TIMEOUT);
      String domain = LocalDomainIndex.domainOf(alias);
      out.println("alias " + alias + " -> " + target
          + (domain == null ? "" : "; " + domain + " is a local domain"));
      return ExitCodes.OK;
    }
  }

  @Command(name = "unalias", mixinStandardHelpOptions = true,
      description = "Remove an alias (its user and mailboxes stay).")
  static final class Unalias extends Base {
    @Parameters(index = "0", paramLabel = "ALIAS")
    String alias;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      users.removeAlias(alias).block(TIMEOUT);
      out.println("removed alias " + alias);
      return ExitCodes.OK;
    }
  }

  @Command(name = "import-dovecot", mixinStandardHelpOptions = true,
      description = "Import users from a Dovecot passwd-file, keeping their hashes ({SCHEME}hash);"
          + " existing users get the imported hash.")
  static final class ImportDovecot extends Base {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    int run(UserStore users, MailgateConfig cfg, PrintWriter out, PrintWriter err) {
      if (!Files.isReadable(file)) {
        err.println("mailgate user import-dovecot: cannot read " + file);
        return ExitCodes.FAILURE;
      }
      UserStore.ImportReport r = users.importDovecot(file).block(TIMEOUT);
      for (DovecotPasswdFile.Rejected x : r.rejected()) {
        err.println(file + ":" + x.line() + ": skipped" + (x.user() == null ? "" : " " + x.user()) + ": " + x.reason());
      }
      out.printf("imported %d, replaced %d, skipped %d%n", r.imported(), r.replaced(), r.rejected().size());
      return r.rejected().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }
}

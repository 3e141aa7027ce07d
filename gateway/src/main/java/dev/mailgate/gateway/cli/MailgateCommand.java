package dev.mailgate.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mailgate} command line: the entry point of the shaded jar and of the {@code ./mailgate}
 * launcher. Exit codes follow PRODUCT.md: 0 success, 1 failure, 2 usage.
 */
@Command(
    name = "mailgate",
    mixinStandardHelpOptions = true,
    versionProvider = MailgateCommand.Version.class,
    description = "A mail protocol gateway for SMTP, POP3 and IMAP, with a local mailbox tier.",
    subcommands = {RunCommand.class, CommandLine.HelpCommand.class})
public final class MailgateCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli instance; tests call {@code execute} on it without exiting the JVM. */
  public static CommandLine commandLine() {
    return new CommandLine(new MailgateCommand());
  }

  /** Reads the version Maven wrote into the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MailgateCommand.class.getPackage().getImplementationVersion();
      return new String[] {"mailgate " + (v == null ? "development build" : v)};
    }
  }
}

package dev.mailgate.gateway.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mailgate} command line: the entry point of the shaded jar and of the {@code ./mailgate}
 * launcher. Commands: {@code run}, {@code check-config}, {@code user}, {@code route explain}. Exit
 * codes follow PRODUCT.md: 0 success, 1 failure, 2 usage (an unknown flag or a missing argument
 * also prints a hint).
 */
@Command(
    name = "mailgate",
    mixinStandardHelpOptions = true,
    versionProvider = MailgateCommand.Version.class,
    description = "A mail protocol gateway for SMTP, POP3 and IMAP, with a local mailbox tier.",
    footer = {"", "Quick start: mailgate run, then (in another terminal) mailgate user add me@example.test"},
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      UserCommand.class,
      RouteCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MailgateCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private final InputStream stdin;

  MailgateCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  InputStream stdin() {
    return stdin;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli instance; tests call {@code execute} on it without exiting the JVM. */
  public static CommandLine commandLine() {
    return commandLine(System.in);
  }

  /** The same, reading {@code --password-stdin} passwords from {@code stdin}. */
  public static CommandLine commandLine(InputStream stdin) {
    CommandLine cl = new CommandLine(new MailgateCommand(stdin));
    cl.setParameterExceptionHandler(MailgateCommand::usageError);
    return cl;
  }

  /** Unknown flags, missing arguments: the message, close matches, and where to look; exit 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      java.util.List<String> suggestions = u.getSuggestions();
      if (!suggestions.isEmpty()) {
        err.println("Did you mean: " + String.join(" or ", suggestions) + "?");
      }
    }
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
    return ExitCodes.USAGE;
  }

  /**
   * The version Maven wrote into the jar manifest ({@code Implementation-Version}), else the one it
   * wrote into {@code version.properties} (a run from the classes directory: tests, an IDE).
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"mailgate " + version()};
    }

    static String version() {
      String v = MailgateCommand.class.getPackage().getImplementationVersion();
      if (v != null) {
        return v;
      }
      try (InputStream in = MailgateCommand.class.getResourceAsStream("version.properties")) {
        java.util.Properties p = new java.util.Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "development build");
      } catch (java.io.IOException e) {
        return "development build";
      }
    }
  }
}

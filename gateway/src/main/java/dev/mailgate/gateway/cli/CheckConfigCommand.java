package dev.mailgate.gateway.cli;

import dev.mailgate.config.ConfigLoader;
import dev.mailgate.config.LoadResult;
import dev.mailgate.config.model.MailgateConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code mailgate check-config FILE}: loads and validates a configuration without starting
 * anything. Every error is printed as {@code FILE:LINE:COL: message} on standard error and the exit
 * code is 2; a clean file prints a one-line summary and exits 0.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a configuration file.",
      "Prints every error as FILE:LINE:COL: message and exits 2; exits 0 when the file is clean."
    })
final class CheckConfigCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The configuration file.")
  Path file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadResult r = ConfigLoader.load(file, System.getenv());
    if (!r.ok()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(r.formatErrors());
      err.println(r.errors().size() + (r.errors().size() == 1 ? " error" : " errors") + " in " + file);
      return ExitCodes.USAGE;
    }
    MailgateConfig c = r.config().get();
    spec.commandLine().getOut().printf("%s: ok (%d listeners, %d backends, %d pools, %d routes)%n",
        file, c.listeners().size(), c.backends().size(), c.pools().size(), c.routes().size());
    return ExitCodes.OK;
  }
}

package dev.stitch.launcher;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the launcher in the test's JVM, as a user would from the shell, capturing what it prints. */
record LauncherRun(int exit, String out, String err) {

    static LauncherRun of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Launcher(env));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        return new LauncherRun(exit, out.toString(), err.toString());
    }
}

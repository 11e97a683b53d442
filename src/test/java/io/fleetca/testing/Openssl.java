package io.fleetca.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the openssl command line, an implementation independent of FleetCA and BouncyCastle. */
public final class Openssl {
    private Openssl() {}

    public record Result(int exitCode, String output) {}

    public static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            return new Result(p.waitFor(), out);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path write(String content) {
        try {
            Path f = Files.createTempFile(Path.of("target"), "openssl-", ".pem");
            Files.writeString(f, content);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.stitch.launcher;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium driven by Selenium through Debian's own {@code chromium} and {@code chromedriver}:
 * both paths are given to Selenium, so it never looks for a driver to download.
 *
 * <p>The browser tests run when the browser and the pixel are there; they are skipped, saying how
 * to enable them, when one is missing, unless {@code STITCH_BROWSER_TESTS=required} (as in CI),
 * when they fail instead.
 */
final class Chromium {

    static final String SETTING = "STITCH_BROWSER_TESTS";
    private static final Path BROWSER = Path.of(System.getenv().getOrDefault("STITCH_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("STITCH_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /** Skips (or, when required, fails) the calling test unless the browser, its driver and every other file are there. */
    static void requireOrSkip(Path... otherFiles) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(BROWSER)) {
            missing.add("the browser " + BROWSER + " (Debian: apt-get install chromium)");
        }
        if (!Files.isExecutable(DRIVER)) {
            missing.add("its driver " + DRIVER + " (Debian: apt-get install chromium-driver)");
        }
        for (Path file : otherFiles) {
            if (!Files.isRegularFile(file)) {
                missing.add(file + " (installed by the build with npm: install Node.js and npm, then run the tests again)");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "The browser tests need " + String.join(", ", missing)
                + "; STITCH_CHROMIUM and STITCH_CHROMEDRIVER name other paths.";
        if ("required".equalsIgnoreCase(System.getenv(SETTING))) {
            fail(message + " " + SETTING + "=required, so this is a failure.");
        }
        assumeTrue(false, message + " Skipped; set " + SETTING + "=required to make this a failure.");
    }

    /** A new headless browser, {@code width} by {@code height} CSS pixels. */
    static ChromeDriver start(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--window-size=" + width + "," + height, "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars");
        if ("root".equals(System.getProperty("user.name"))) {
            // Chromium's sandbox refuses to run as root (CI containers).
            options.addArguments("--no-sandbox");
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}

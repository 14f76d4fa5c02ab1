package io.promstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver ({@code make deps} installs both; nothing is
 * downloaded): pages the test opens, the errors their console logged, and screenshots written to the folder the
 * system property {@value #SCREENSHOTS} names (none when it is unset).
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final String SCREENSHOTS = "console.screenshots";
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static HeadlessChromium start(int width, int height) {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError(BINARY + " and " + DRIVER + " are needed: run make deps (Debian's chromium and "
                    + "chromium-driver)");
        }
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox", // the tests may run as root
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    "--no-first-run",
                    "--lang=en-US",
                    "--user-data-dir=" + profile,
                    "--window-size=" + width + "," + height);
            options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(DRIVER.toString()))
                    .usingAnyFreePort()
                    .build();
            return new HeadlessChromium(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Waits (up to 20 s) until the console says it rendered {@code view} since {@link #open}. */
    public void awaitView(String view) {
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .withMessage(() -> "the console did not render " + view + "; console: " + consoleErrors())
                .until(d -> view.equals(script("return document.body.dataset.loaded || ''")));
    }

    /** Opens a console URL and waits until the view its hash names is rendered. */
    public void open(String url, String view) {
        driver.get(url);
        awaitView(view);
    }

    /** Goes to another view of the open console (its hash) and waits until it is rendered. */
    public void go(String hash, String view) {
        script("document.body.dataset.loaded = ''; location.hash = arguments[0]", hash);
        awaitView(view);
    }

    public Object script(String code, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(code, args);
    }

    /** The errors the pages logged in the browser's console since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Makes the page prefer a dark or a light color scheme, as a system set to it would. */
    public void colorScheme(String scheme) {
        driver.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Writes the whole page to {@code <folder>/console-<name>.png} when {@value #SCREENSHOTS} names a folder. */
    public void screenshot(String name) {
        String folder = System.getProperty(SCREENSHOTS);
        if (folder == null || folder.isBlank()) {
            return;
        }
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
        resize(before.getWidth(), (int) Math.min(4000, height + (before.getHeight() - innerHeight())));
        try {
            Files.createDirectories(Path.of(folder));
            Files.write(Path.of(folder, "console-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            resize(before.getWidth(), before.getHeight());
        }
    }

    private int innerHeight() {
        return ((Number) script("return window.innerHeight")).intValue();
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}

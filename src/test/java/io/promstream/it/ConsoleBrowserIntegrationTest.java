package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.Await;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.HeadlessChromium;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.clients.jedis.Jedis;

/**
 * The operator console in a real browser (headless Chromium): each view loads without a console error, shows what
 * {@code /metrics} shows, escapes what senders wrote, and its actions work with the admin token and are refused
 * without it. With {@code -Dconsole.screenshots=docs} it writes the README's screenshots.
 */
class ConsoleBrowserIntegrationTest {
    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String TOKEN = "console-t0ken";

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP = TestGateways.extension(
            REDIS, ConfigOverride.config("admin.token", TOKEN), ConfigOverride.config("redis.shards", "2"));

    private static final String HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";
    private static HeadlessChromium browser;
    private GatewayClient client;
    private String base;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start(1280, 900);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void setUp() {
        client = new GatewayClient(APP.getLocalPort(), APP.getAdminPort());
        base = "http://127.0.0.1:" + APP.getLocalPort() + "/ui/";
        browser.resize(1280, 900);
        browser.colorScheme("light");
        browser.open(base, "overview"); // the console's origin: forget a token an earlier test kept
        browser.script("sessionStorage.clear()");
        browser.driver().get("about:blank"); // each test then loads the page afresh
        browser.consoleErrors(); // drop what an earlier test left
    }

    private HttpResponse<String> post(String path, String contentType, String body) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private void flush() {
        HttpResponse<String> flushed =
                client.send(HttpRequest.newBuilder(URI.create(client.adminBase() + "/tasks/flush-queue"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());
        assertThat(flushed.statusCode()).as(flushed.body()).isEqualTo(200);
    }

    /** Counters, a gauge, a histogram and a hostile label value over HTTP; a replace-mode group; three bad elements. */
    private void seed() {
        HttpResponse<String> json = post(
                "/api/metrics",
                "application/json",
                "["
                        + "{\"type\":\"counter\",\"name\":\"console_jobs\",\"value\":3,\"labels\":{\"queue\":\"mail\"},"
                        + "\"help\":\"Jobs done.\"},"
                        + "{\"type\":\"counter\",\"name\":\"console_jobs\",\"value\":5,\"labels\":{\"queue\":\"sms\"}},"
                        + "{\"type\":\"counter\",\"name\":\"console_jobs\",\"value\":7,\"labels\":{\"queue\":\"push\"}},"
                        + "{\"type\":\"gauge\",\"name\":\"console_depth\",\"value\":42,\"labels\":{\"queue\":\"mail\"}},"
                        + "{\"type\":\"histogram\",\"name\":\"console_seconds\",\"value\":0.3},"
                        + "{\"type\":\"counter\",\"name\":\"console_hostile\",\"value\":1,\"labels\":{\"page\":"
                        + "\"" + HOSTILE.replace("'", "\\u0027") + "\"}}"
                        + "]");
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        HttpResponse<String> group = client.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + APP.getLocalPort() + "/replace/metrics/job/nightly/instance/db1"))
                .PUT(HttpRequest.BodyPublishers.ofString("backup_bytes 1234\n"))
                .build());
        assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
        REDIS.push(
                "prom-stream-gateway:metric-queue:{0}",
                "{\"type\":\"counter\",\"name\":\"console_fixme\",\"value\":-5}",
                "not json",
                "{\"type\":\"nope\",\"name\":\"console_x\",\"value\":1}");
        flush();
        Await.until(
                Duration.ofSeconds(20),
                () -> {
                    try (Jedis jedis = REDIS.client()) {
                        return jedis.llen("prom-stream-gateway:dead-letter") == 3;
                    }
                },
                "the three bad elements were not dead-lettered");
    }

    private String text(String css) {
        return browser.driver().findElement(By.cssSelector(css)).getText();
    }

    private String data(String css, String key) {
        return browser.driver().findElement(By.cssSelector(css)).getAttribute("data-" + key);
    }

    private void assertNoConsoleErrors() {
        assertThat(browser.consoleErrors()).as("the browser console").isEmpty();
    }

    @Test
    void theOverviewShowsWhatMetricsShows() {
        seed();
        browser.open(base, "overview");
        Map<String, Double> scraped = GatewayClient.samples(client.scrape());
        assertThat(Double.parseDouble(data("#card-series .value", "value")))
                .isEqualTo(scraped.get("prom_stream_gateway_series"));
        assertThat(Double.parseDouble(data("#card-families .value", "value")))
                .isEqualTo(scraped.get("prom_stream_gateway_families"));
        assertThat(Double.parseDouble(data("#card-processed .value", "value")))
                .isEqualTo(client.sum("prom_stream_gateway_processed_metrics_total"));
        assertThat(Double.parseDouble(data("#card-dead-letters .value", "value")))
                .isEqualTo(3);
        for (String reason : List.of("invalid_value", "invalid_json", "unknown_type")) {
            double dropped = scraped.get("prom_stream_gateway_dropped_metrics_total{reason=\"" + reason + "\",}");
            assertThat(text("#legend-rejected [data-reason=\"" + reason + "\"]"))
                    .isEqualTo(reason + " " + (long) dropped);
        }
        List<WebElement> shards = browser.driver().findElements(By.cssSelector("#shards tbody tr"));
        assertThat(shards).hasSize(2);
        for (WebElement shard : shards) {
            assertThat(shard.getText()).contains("(this gateway)").containsPattern("\\d+\\.\\d s");
        }
        assertThat(browser.driver().findElements(By.cssSelector("#workers tbody tr")))
                .isNotEmpty();
        assertNoConsoleErrors();
        browser.screenshot("overview");
    }

    @Test
    void familiesListAndAFamilysSeriesMatchTheScrape() {
        seed();
        browser.open(base + "#families", "families");
        Map<String, Double> scraped = GatewayClient.samples(client.scrape());
        assertThat(text("#families tr[data-family=\"console_jobs\"] td:nth-child(3)"))
                .isEqualTo("3");
        assertThat(text("#families tr[data-family=\"console_jobs\"] td:nth-child(2)"))
                .isEqualTo("counter");
        WebElement search = browser.driver().findElement(By.id("family-search"));
        search.sendKeys("console_de");
        assertThat(browser.driver().findElements(By.cssSelector("#families tbody tr")))
                .extracting(r -> r.getAttribute("data-family"))
                .containsExactly("console_depth");
        search.clear();
        browser.script("document.getElementById('family-search').dispatchEvent(new Event('input'))");
        assertNoConsoleErrors();
        browser.screenshot("families");

        browser.go("#family/console_jobs", "family");
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#family-series tbody tr"));
        assertThat(rows).hasSize(3);
        for (WebElement row : rows) {
            String labels = row.findElement(By.cssSelector("td:first-child")).getText();
            String queue = labels.replaceAll(".*queue=\"([a-z]+)\".*", "$1");
            assertThat(Double.parseDouble(
                            row.findElement(By.cssSelector("td[data-value]")).getAttribute("data-value")))
                    .as(labels)
                    .isEqualTo(scraped.get("console_jobs_total{queue=\"" + queue + "\",}"));
        }
        assertThat(text("#family-labels tr[data-label=\"queue\"] td:nth-child(2)"))
                .isEqualTo("3");
        assertNoConsoleErrors();
        browser.screenshot("family");
    }

    @Test
    void whatSendersWroteIsShownAsTextNeverRun() {
        seed();
        browser.open(base + "#family/console_hostile", "family");
        assertThat(text("#family-series tbody")).contains(HOSTILE);
        assertThat(text("#family-labels tbody")).contains(HOSTILE);
        assertThat(browser.driver().getTitle()).isEqualTo("Stream Gateway console");
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.driver().findElements(By.tagName("script"))).hasSize(1);
        assertThat(browser.driver().findElements(By.cssSelector("main img"))).isEmpty();
        assertNoConsoleErrors();
    }

    @Test
    void groupsAreListedAndDeletedWithTheToken() {
        seed();
        browser.open(base + "#groups", "groups");
        Map<String, Double> scraped = GatewayClient.samples(client.scrape());
        assertThat(scraped).containsKey("backup_bytes{instance=\"db1\",job=\"nightly\",}");
        WebElement group = browser.driver().findElement(By.cssSelector("article.group"));
        assertThat(group.getText())
                .contains("instance=\"db1\"", "job=\"nightly\"", "backup_bytes", "last push succeeded");
        assertNoConsoleErrors();
        browser.screenshot("groups");

        WebElement delete = group.findElement(By.cssSelector("button.action"));
        delete.click(); // arms it
        delete.click(); // confirms: the token is asked for
        enterToken(TOKEN);
        awaitNotice("deleted the group");
        Await.until(
                Duration.ofSeconds(10), () -> !client.scrape().contains("backup_bytes"), "the group was not deleted");
        assertNoConsoleErrors();
    }

    @Test
    void aDeadLetterIsFixedAndRequeued() {
        seed();
        browser.open(base + "#dead-letters", "dead-letters");
        List<WebElement> letters = browser.driver().findElements(By.cssSelector("article.letter"));
        assertThat(letters).hasSize(3);
        WebElement letter = letters.stream()
                .filter(l -> l.getText().contains("invalid_value"))
                .findFirst()
                .orElseThrow();
        assertThat(letter.getText()).contains("console_fixme", "redis prom-stream-gateway:metric-queue");
        assertNoConsoleErrors();
        browser.screenshot("dead-letters");

        letter.findElement(By.xpath(".//button[text()='Fix and requeue']")).click();
        WebElement editor = letter.findElement(By.tagName("textarea"));
        editor.clear();
        editor.sendKeys("{\"type\":\"counter\",\"name\":\"console_fixme\",\"value\":5}");
        letter.findElement(By.xpath(".//button[text()='Requeue']")).click();
        enterToken(TOKEN);
        awaitNotice("applied 1 samples");
        assertThat(client.value("console_fixme_total")).isEqualTo(5.0);
        try (Jedis jedis = REDIS.client()) {
            assertThat(jedis.lrange("prom-stream-gateway:dead-letter", 0, -1))
                    .hasSize(2)
                    .noneMatch(l -> l.contains("console_fixme"));
        }
        assertNoConsoleErrors();
    }

    @Test
    void aFamilyIsResetWithTheTokenAndActionsAreRefusedWithoutIt() {
        seed();
        browser.open(base + "#family/console_depth", "family");
        browser.script("sessionStorage.setItem('promStreamAdminToken', 'wrong')");
        WebElement reset = browser.driver().findElement(By.id("reset-family"));
        reset.click();
        reset.click();
        awaitNotice("console actions need Authorization: Bearer <admin.token>");
        assertThat(browser.script("return sessionStorage.getItem('promStreamAdminToken')"))
                .isNull();
        assertThat(client.scrape()).contains("console_depth{queue=\"mail\",} 42.0");
        Object refused = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch('api/actions/reset', {method: 'POST', headers: {'Content-Type': 'application/json',"
                        + " 'X-Console-Action': '1'}, body: '{\"names\":[\"console_depth\"]}'})"
                        + ".then(r => done(r.status));");
        assertThat(refused).isEqualTo(401L);
        assertThat(client.scrape()).contains("console_depth{queue=\"mail\",} 42.0");
        browser.consoleErrors(); // the 401s are logged by the browser as failed requests

        reset.click();
        reset.click();
        enterToken(TOKEN);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> "families".equals(browser.script("return document.body.dataset.loaded")));
        assertThat(client.scrape()).doesNotContain("console_depth");
        assertThat(browser.script("return location.href")).asString().doesNotContain(TOKEN);
    }

    @Test
    void aLabelSelectorIsResetAndTheQueueFlushedFromThePage() {
        seed();
        browser.open(base + "#families", "families");
        browser.driver().findElement(By.id("selector-input")).sendKeys("queue=sms");
        browser.driver().findElement(By.cssSelector("#selector-form button")).click();
        enterToken(TOKEN);
        awaitNotice("removed 1 series");
        assertThat(client.scrape())
                .doesNotContain("console_jobs_total{queue=\"sms\",}")
                .contains("console_jobs_total{queue=\"mail\",}");

        browser.go("#overview", "overview");
        REDIS.push(
                "prom-stream-gateway:metric-queue:{1}",
                "{\"type\":\"gauge\",\"name\":\"console_flushed\",\"value\":9}");
        browser.driver().findElement(By.id("flush-button")).click();
        awaitNotice("flushed");
        assertThat(client.value("console_flushed")).isEqualTo(9.0);
        assertNoConsoleErrors();
    }

    @Test
    void itFitsAPhoneAndReadsInTheDark() {
        seed();
        browser.resize(390, 844);
        browser.open(base, "overview");
        assertThat((Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth"))
                .isLessThanOrEqualTo(0L);
        assertNoConsoleErrors();
        browser.screenshot("phone");
        browser.resize(1280, 900);
        browser.colorScheme("dark");
        browser.open(base + "#families", "families");
        String background = (String) browser.script("return getComputedStyle(document.body).backgroundColor");
        List<Integer> rgb = List.of(background.replaceAll("[^0-9,]", "").split(",")).stream()
                .limit(3)
                .map(Integer::parseInt)
                .toList();
        assertThat(rgb.stream().mapToInt(Integer::intValue).sum())
                .as(background)
                .isLessThan(150);
        assertNoConsoleErrors();
        browser.screenshot("dark");
    }

    private void enterToken(String token) {
        WebElement input = new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> {
            WebElement field = d.findElement(By.id("token-input"));
            return field.isDisplayed() ? field : null;
        });
        input.sendKeys(token);
        browser.driver()
                .findElement(By.cssSelector("#token-form button[type=submit]"))
                .click();
    }

    private void awaitNotice(String text) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                .withMessage(() -> "notice: "
                        + browser.driver().findElement(By.id("notice")).getText())
                .until(d -> d.findElement(By.id("notice")).getText().contains(text));
    }
}

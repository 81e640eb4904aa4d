package dev.stitch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import dev.stitch.bridge.BridgeConfig;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium, on the embedded stack (broker, bridge, stitching, query API),
 * fed by the real pixel on a site of its own origin and by Segment's own Java client, as the documented
 * flow has it. Every wait is on what the page (or the API) shows.
 */
class ConsoleBrowserIT {

    private static final String TOKEN = "console-browser-token";
    private static final String SERVER_KEY = "sk_console_browser";
    private static final String BROWSER_KEY = "pk_console_browser";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path dir;
    private static PixelSite site;
    private static EmbeddedStack stack;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ChromeDriver browser;

    @BeforeAll
    static void startStack() throws Exception {
        Chromium.requireOrSkip(PixelSite.PIXEL);
        site = PixelSite.start();
        AppConfig app = AppConfig.fromEnvironment(Map.of(
                "STITCH_DATA_DIR", dir.toString(),
                "STITCH_APPLICATION_ID", "console-browser-it",
                "STITCH_KAFKA_PORT", "0",
                "STITCH_REGISTRY_PORT", "0",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", TOKEN,
                "STITCH_REORDER_GRACE", "1s",
                "STITCH_FLUSH_INTERVAL", "100ms"));
        BridgeConfig bridge = BridgeConfig.fromEnvironment(Map.of(
                "STITCH_WRITE_KEYS", SERVER_KEY,
                "STITCH_BROWSER_KEYS", BROWSER_KEY,
                "STITCH_BROWSER_ORIGINS", site.origin(),
                "STITCH_BRIDGE_PORT", "0")).withListenAddress("localhost", 0);
        stack = EmbeddedStack.start(app, bridge);
        site.track(BROWSER_KEY, stack.bridgeUrl());
        assertThat(stack.application().awaitRunning(WAIT)).as("the stitching application runs").isTrue();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        browser = Chromium.start(1280, 900);
    }

    @AfterEach
    void closeBrowser() {
        browser.quit();
    }

    @Test
    void showsThePixelsPageViewsStitchedToTheServerSideIdentifyOfMethodTwo() throws Exception {
        String userId = "user-m2-" + run;
        String email = "ada-" + run + "@example.com";
        String anonymousId = visitThreePages("newsletter-" + run);

        identifyAndTrackFromTheServer(userId, email, anonymousId);

        signIn(TOKEN);
        openContactsAndSearch(email);
        waitFor("the timeline of " + email + " holds five events", d -> timeline().size() == 5);
        assertThat(timeline()).extracting(row -> row.getAttribute("data-type"))
                .containsExactly("page", "page", "page", "identify", "track");
        assertThat(timeline()).extracting(row -> row.getAttribute("data-mark"))
                .containsExactly("stitched", "stitched", "stitched", "identified", "identified");
        assertThat(timeline().get(4).getText()).contains("Order Completed");
        assertThat(text("profile-title")).isEqualTo(userId);
        assertThat(text("profile-traits")).contains(email);
        assertThat(text("profile-anonymous")).contains(anonymousId);
        waitFor("the first touch names the landing page's utm_source", d -> text("first-touch").contains("newsletter-" + run));
        screenshotWholePage("console-contacts-hub.png");

        browser.findElement(By.id("nav-activity")).click();
        waitFor("Events Activity lists the stitched page views", d -> activity().stream()
                .anyMatch(row -> "stitched".equals(row.getAttribute("data-mark"))));
        screenshot("console-events-activity.png");

        // A phone-sized screen: the Contacts Hub fits its width.
        browser.findElement(By.id("nav-contacts")).click();
        browser.manage().window().setSize(new Dimension(375, 812));
        waitFor("the page is laid out 375 px wide", d -> ((Number) browser.executeScript("return window.innerWidth;")).intValue() <= 400);
        assertThat((Boolean) browser.executeScript("return document.documentElement.scrollWidth <= window.innerWidth;"))
                .as("no horizontal scrolling at 375 px").isTrue();
        screenshot("console-phone.png");
    }

    @Test
    void stitchesThePageViewsOfAVisitorThePixelItselfIdentifiesWithMethodOne() throws Exception {
        String userId = "user-m1-" + run;
        browser.get(site.url("/home"));
        String anonymousId = waitForPixelCookie();
        awaitAnonymousPageViews(anonymousId, 1);

        browser.executeScript("usermaven('id', {id: arguments[0], email: arguments[1]});", userId, "grace-" + run + "@example.com");
        // The pixel sends the identify from this page: leaving it before the identify is sent would cancel it.
        Eventually.within(WAIT, "the pixel's identify on the activity feed")
                .until(() -> api("/v1/activity?type=identify&id=" + URLEncoder.encode(anonymousId, StandardCharsets.UTF_8)),
                        answer -> answer.get("events").size() > 0);

        signIn(TOKEN);
        openContactsAndSearch(userId);
        waitFor("the timeline of " + userId + " holds the page view and the identify", d -> timeline().size() == 2);
        assertThat(timeline()).extracting(row -> row.getAttribute("data-type")).containsExactly("page", "identify");
        assertThat(timeline()).extracting(row -> row.getAttribute("data-mark")).containsExactly("stitched", "identified");
        assertThat(text("profile-anonymous")).contains(anonymousId);
    }

    @Test
    void eventsActivityShowsAnEventPostedAfterThePageOpenedWithoutAReload() throws Exception {
        signIn(TOKEN);
        waitFor("Events Activity has answered", d -> !text("activity-status").isEmpty());
        browser.executeScript("window.openedOnce = true;");
        String messageId = "activity-" + run;

        HttpResponse<String> posted = post("/v1/track", "{\"userId\":\"activity-user-" + run + "\",\"event\":\"Activity Check\","
                + "\"messageId\":\"" + messageId + "\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

        String row = waitFor("the posted event is listed", d -> activity().stream()
                .filter(r -> messageId.equals(r.getAttribute("data-message-id")))
                .map(r -> r.getAttribute("data-mark") + " " + r.getText())
                .findFirst().orElse(null));
        assertThat(row).startsWith("identified ").contains("track", "Activity Check", "activity-user-" + run);
        assertThat((Boolean) browser.executeScript("return window.openedOnce === true;")).as("the page was not reloaded").isTrue();
    }

    @Test
    void refusesAWrongTokenAndShowsNoDataWithoutTheRightOne() throws Exception {
        String messageId = "secret-" + run;
        assertThat(post("/v1/track", "{\"userId\":\"hidden-user-" + run + "\",\"event\":\"Hidden\",\"messageId\":\"" + messageId + "\"}")
                .statusCode()).isEqualTo(200);
        Eventually.within(WAIT, "the event reaches the activity feed")
                .until(() -> api("/v1/activity?id=hidden-user-" + run), answer -> answer.get("events").size() == 1);

        browser.get(stack.apiUrl() + "/console/");
        waitFor("the sign-in form", d -> browser.findElement(By.id("token")).isDisplayed());
        assertThat(browser.findElement(By.id("activity")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("contacts")).isDisplayed()).isFalse();

        enterToken("not-the-token");
        waitFor("the refusal", d -> browser.findElement(By.id("sign-in-error")).isDisplayed());
        assertThat(text("sign-in-error")).contains("not this API's token");
        assertThat(browser.findElement(By.id("activity")).isDisplayed()).isFalse();
        assertThat(activity()).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(messageId, "hidden-user-" + run);
        assertThat(browser.executeScript("return sessionStorage.length;")).isEqualTo(0L);
        assertThat(browser.getCurrentUrl()).doesNotContain("not-the-token");

        enterToken(TOKEN);
        waitFor("the event, once signed in", d -> activity().stream().anyMatch(row -> messageId.equals(row.getAttribute("data-message-id"))));
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);

        browser.findElement(By.id("sign-out")).click();
        waitFor("the sign-in form again", d -> browser.findElement(By.id("token")).isDisplayed());
        assertThat(activity()).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(messageId);
        assertThat(browser.executeScript("return sessionStorage.length;")).isEqualTo(0L);
    }

    /** Three page views of one visitor, the first landing from a campaign; answers the pixel's anonymous id. */
    private String visitThreePages(String utmSource) throws Exception {
        browser.get(site.url("/landing?utm_source=" + utmSource + "&utm_medium=email&utm_campaign=launch"));
        String anonymousId = waitForPixelCookie();
        // Each view reaches the stream before the next page opens, so the three keep their order.
        awaitAnonymousPageViews(anonymousId, 1);
        browser.get(site.url("/pricing"));
        awaitAnonymousPageViews(anonymousId, 2);
        browser.get(site.url("/signup"));
        awaitAnonymousPageViews(anonymousId, 3);
        assertThat(readPixelCookie()).as("one visitor throughout").isEqualTo(anonymousId);
        return anonymousId;
    }

    /** The frontend's part of Method 2: the page reads the pixel's cookie, to hand it to the backend. */
    private String readPixelCookie() {
        return (String) browser.executeScript("const name = arguments[0] + '=';"
                + "const found = document.cookie.split('; ').find(c => c.startsWith(name));"
                + "return found ? decodeURIComponent(found.substring(name.length)) : null;", site.cookieName());
    }

    private String waitForPixelCookie() {
        waitFor("the pixel's cookie " + site.cookieName(), d -> readPixelCookie() != null);
        return readPixelCookie();
    }

    private void awaitAnonymousPageViews(String anonymousId, int count) {
        Eventually.within(WAIT, count + " anonymous page views of " + anonymousId + " on the activity feed")
                .until(() -> {
                    JsonNode events = api("/v1/activity?type=page&id=" + URLEncoder.encode(anonymousId, StandardCharsets.UTF_8)).get("events");
                    long anonymous = 0;
                    for (JsonNode event : events) {
                        anonymous += "anonymous".equals(event.get("mark").asText()) ? 1 : 0;
                    }
                    return anonymous;
                }, anonymous -> anonymous >= count);
    }

    /** The backend's part of Method 2, with Segment's own Java client: identify with the cookie in context.anonymousId, then a track. */
    private void identifyAndTrackFromTheServer(String userId, String email, String anonymousId) throws InterruptedException {
        CountDownLatch delivered = new CountDownLatch(2);
        var failures = new ConcurrentLinkedQueue<Throwable>();
        Analytics analytics = Analytics.builder(SERVER_KEY)
                .endpoint(stack.bridgeUrl())
                .flushQueueSize(1)
                .callback(new Callback() {
                    @Override
                    public void success(Message message) {
                        delivered.countDown();
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                        failures.add(throwable);
                        delivered.countDown();
                    }
                })
                .build();
        try {
            analytics.enqueue(IdentifyMessage.builder().userId(userId).traits(Map.of("email", email, "plan", "pro"))
                    .context(Map.of("anonymousId", anonymousId, "ip", "203.0.113.7")));
            analytics.flush();
            analytics.enqueue(TrackMessage.builder("Order Completed").userId(userId).properties(Map.of("revenue", 49.9))
                    .context(Map.of("ip", "203.0.113.7")));
            analytics.flush();
            assertThat(delivered.await(60, TimeUnit.SECONDS)).as("analytics-java reported both messages").isTrue();
        } finally {
            analytics.shutdown();
        }
        assertThat(failures).isEmpty();
    }

    private void signIn(String token) {
        browser.get(stack.apiUrl() + "/console/");
        enterToken(token);
        waitFor("the console, signed in", d -> browser.findElement(By.id("nav")).isDisplayed());
    }

    private void enterToken(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    }

    /** Searches, and searches again while the person is not found yet: the stream may still be on its way. */
    private void openContactsAndSearch(String text) {
        browser.findElement(By.id("nav-contacts")).click();
        WebElement field = browser.findElement(By.id("search-text"));
        field.clear();
        field.sendKeys(text);
        browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
        waitFor("the profile of the person " + text + " names", d -> {
            if (text("search-status").startsWith("No one found")) {
                browser.findElement(By.cssSelector("#search-form button[type=submit]")).click();
            }
            return browser.findElement(By.id("profile")).isDisplayed();
        });
    }

    private List<WebElement> timeline() {
        return browser.findElements(By.cssSelector("#timeline > li"));
    }

    private List<WebElement> activity() {
        return browser.findElements(By.cssSelector("#activity-list > li"));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /**
     * Waits until {@code condition} gives a value (not null, not false), and answers it. The console
     * builds its lists anew when they change, so an element found a moment ago may be gone: asked again.
     */
    private <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> what + "; the page said: " + text("notice") + " " + browser.findElement(By.tagName("main")).getText())
                .until(condition);
    }

    /** The page's whole height in one picture: the window is made as tall as the page for it, then made as it was. */
    private void screenshotWholePage(String name) throws Exception {
        Dimension before = browser.manage().window().getSize();
        long height = (Long) browser.executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(height + 150, 3000)));
        waitFor("the window is as tall as the page", d -> (Boolean) browser.executeScript(
                "return window.innerHeight >= Math.min(document.documentElement.scrollHeight, 2800);"));
        screenshot(name);
        browser.manage().window().setSize(before);
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        String basic = Base64.getEncoder().encodeToString((SERVER_KEY + ":").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(stack.bridgeUrl() + path))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode api(String path) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            return SegmentEventParser.JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException("the query API did not answer " + path + ": " + e.getMessage(), e);
        }
    }
}

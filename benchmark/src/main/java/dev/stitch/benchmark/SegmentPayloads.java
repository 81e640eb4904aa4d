package dev.stitch.benchmark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * Writes the JSON of Segment events as the tracking API receives them: analytics.js pages and
 * identifies with a full browser context, analytics-node identifies and tracks from a backend that
 * passes the client IP through. Sizes land around 1 KB, as real events do.
 */
final class SegmentPayloads {

    /** The browser a visitor uses: the same pixel id, IP and user agent on every visit. */
    record Device(String pixelId, String ip, String userAgent, String platform, boolean mobile, String locale,
                  String timezone, int screenWidth, int screenHeight, long clockSkewMs) {
    }

    /** A known user and the traits their identify carries. */
    record Person(String userId, String firstName, String lastName, String email, String plan, String company,
                  String industry, int employees, String city, String country, Instant createdAt) {
    }

    /** When an event happened and when it was sent and received, as the client and Segment saw them. */
    record Timing(long originalMs, long sentMs, long receivedMs) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String[][] PAGES = {
            {"/", "Home"}, {"/pricing", "Pricing"}, {"/features", "Features"}, {"/features/identity-resolution", "Identity resolution"},
            {"/customers", "Customers"}, {"/blog/real-time-identity-stitching", "Real-time identity stitching"},
            {"/blog/server-side-tracking-done-right", "Server-side tracking done right"}, {"/docs/getting-started", "Getting started"},
            {"/docs/sources/javascript", "JavaScript source"}, {"/integrations", "Integrations"}, {"/about", "About us"},
            {"/signup", "Sign up"}, {"/login", "Log in"}, {"/products/starter-kit", "Starter kit"}, {"/products/team-plan", "Team plan"}};
    private static final String[] REFERRERS = {"", "", "https://www.google.com/", "https://www.google.com/",
            "https://www.bing.com/", "https://duckduckgo.com/", "https://www.linkedin.com/", "https://t.co/",
            "https://news.ycombinator.com/", "https://www.reddit.com/r/analytics/"};
    private static final String[][] CAMPAIGNS = {
            {"spring-launch", "google", "cpc", "identity resolution", "text-ad-a"},
            {"newsletter-2026-11", "newsletter", "email", "", "hero-button"},
            {"retargeting-q4", "linkedin", "paid-social", "", "carousel-2"},
            {"partner-webinar", "partner", "referral", "cdp", "speaker-link"}};
    private static final String[][] USER_AGENTS = {
            {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "macOS", "false"},
            {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Windows", "false"},
            {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Windows", "false"},
            {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "iOS", "true"},
            {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36", "Android", "true"},
            {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", "Linux", "false"}};
    private static final String[][] LOCALES = {{"en-US", "America/New_York"}, {"en-US", "America/Los_Angeles"},
            {"en-GB", "Europe/London"}, {"de-DE", "Europe/Berlin"}, {"fr-FR", "Europe/Paris"}, {"es-ES", "Europe/Madrid"},
            {"pt-BR", "America/Sao_Paulo"}, {"ja-JP", "Asia/Tokyo"}};
    private static final String[] FIRST_NAMES = {"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Edsger",
            "Barbara", "Dennis", "Frances", "Ken", "Radia", "Tim", "Hedy", "John", "Sophie"};
    private static final String[] LAST_NAMES = {"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton",
            "Dijkstra", "Liskov", "Ritchie", "Allen", "Thompson", "Perlman", "Berners-Lee", "Lamarr", "Backus", "Wilson"};
    private static final String[][] COMPANIES = {{"Acme Analytics", "Software"}, {"Northwind Traders", "Retail"},
            {"Globex", "Manufacturing"}, {"Initech", "Financial Services"}, {"Umbrella Health", "Healthcare"},
            {"Stark Logistics", "Transportation"}, {"Wayne Media", "Media"}};
    private static final String[][] CITIES = {{"New York", "US"}, {"San Francisco", "US"}, {"London", "GB"},
            {"Berlin", "DE"}, {"Paris", "FR"}, {"Madrid", "ES"}, {"São Paulo", "BR"}, {"Tokyo", "JP"}};
    private static final String[] PLANS = {"trial", "trial", "starter", "team", "business"};
    private static final String[] SERVER_EVENTS = {"Order Completed", "Subscription Started", "Invoice Paid",
            "Email Verified", "Workspace Created", "Seat Added", "Report Exported"};
    private static final String[][] PRODUCTS = {{"sku-1001", "Starter kit", "Kits", "49.90"},
            {"sku-2040", "Team plan (monthly)", "Plans", "199.00"}, {"sku-3300", "Extra seat", "Add-ons", "12.50"},
            {"sku-4210", "Data retention 1y", "Add-ons", "89.00"}, {"sku-5005", "Onboarding session", "Services", "150.00"}};

    private final Random random;

    SegmentPayloads(Random random) {
        this.random = random;
    }

    Device newDevice() {
        String[] agent = pick(USER_AGENTS);
        String[] locale = pick(LOCALES);
        boolean mobile = Boolean.parseBoolean(agent[2]);
        // One browser in twenty runs with a wrong clock; the pipeline corrects it from sentAt.
        long skew = random.nextInt(20) == 0 ? (random.nextInt(600) - 300) * 1000L : 0;
        return new Device(uuid(), ip(), agent[0], agent[1], mobile, locale[0], locale[1],
                mobile ? 390 : 1440 + 480 * random.nextInt(2), mobile ? 844 : 900 + 180 * random.nextInt(2), skew);
    }

    Person newPerson(String userId, Instant now) {
        String first = pick(FIRST_NAMES);
        String last = pick(LAST_NAMES);
        String[] company = pick(COMPANIES);
        String[] city = pick(CITIES);
        return new Person(userId, first, last,
                (first + "." + last + random.nextInt(1000)).toLowerCase().replace("-", "") + "@" + company[0].toLowerCase().replace(" ", "") + ".example",
                pick(PLANS), company[0], company[1], 5 + random.nextInt(2000), city[0], city[1],
                now.minusSeconds(random.nextInt(3 * 365 * 24 * 3600)));
    }

    /** An analytics.js page view of an anonymous visitor. */
    ObjectNode page(Device device, Timing timing, boolean campaign) {
        String[] page = pick(PAGES);
        ObjectNode event = base("page", "ajs-next-" + hex(32), timing);
        event.put("anonymousId", device.pixelId());
        event.put("name", page[1]);
        ObjectNode properties = event.putObject("properties");
        pageFields(properties, page);
        event.set("context", browserContext(device, page, campaign));
        return event;
    }

    /** An analytics.js identify: the browser knows both the user and its pixel id. */
    ObjectNode frontendIdentify(Device device, Person person, Timing timing) {
        ObjectNode event = base("identify", "ajs-next-" + hex(32), timing);
        event.put("userId", person.userId());
        event.put("anonymousId", device.pixelId());
        event.set("traits", traits(person));
        event.set("context", browserContext(device, PAGES[11], false));
        return event;
    }

    /** A backend identify after sign-up: the pixel id the browser passed along is in context.anonymousId. */
    ObjectNode serverIdentify(Device device, Person person, Timing timing) {
        ObjectNode event = base("identify", "node-next-" + timing.originalMs() + "-" + hex(20), timing);
        event.put("userId", person.userId());
        event.set("traits", traits(person));
        ObjectNode context = serverContext(device);
        context.put("anonymousId", device.pixelId());
        event.set("context", context);
        return event;
    }

    /** A backend track with the userId only, carrying the client's IP so geolocation stays right. */
    ObjectNode serverTrack(Device device, Person person, Timing timing) {
        String name = pick(SERVER_EVENTS);
        ObjectNode event = base("track", "node-next-" + timing.originalMs() + "-" + hex(20), timing);
        event.put("userId", person.userId());
        event.put("event", name);
        ObjectNode properties = event.putObject("properties");
        properties.put("orderId", "ord_" + hex(12));
        ArrayNode products = properties.putArray("products");
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            String[] product = pick(PRODUCTS);
            int quantity = 1 + random.nextInt(3);
            BigDecimal price = new BigDecimal(product[3]);
            products.addObject().put("product_id", product[0]).put("sku", product[0]).put("name", product[1])
                    .put("category", product[2]).put("price", price).put("quantity", quantity);
            total = total.add(price.multiply(BigDecimal.valueOf(quantity)));
        }
        properties.put("revenue", total).put("currency", "EUR").put("plan", person.plan());
        event.set("context", serverContext(device));
        return event;
    }

    private ObjectNode base(String type, String messageId, Timing timing) {
        ObjectNode event = NODES.objectNode();
        event.put("type", type);
        event.put("messageId", messageId);
        event.put("originalTimestamp", Instant.ofEpochMilli(timing.originalMs()).toString());
        event.put("sentAt", Instant.ofEpochMilli(timing.sentMs()).toString());
        event.put("receivedAt", Instant.ofEpochMilli(timing.receivedMs()).toString());
        event.putObject("integrations");
        return event;
    }

    private void pageFields(ObjectNode node, String[] page) {
        String search = random.nextInt(4) == 0 ? "?ref=nav" : "";
        node.put("path", page[0]);
        node.put("referrer", pick(REFERRERS));
        node.put("search", search);
        node.put("title", page[1] + " | Acme Analytics");
        node.put("url", "https://www.acme-analytics.example" + page[0] + search);
    }

    private ObjectNode browserContext(Device device, String[] page, boolean campaign) {
        ObjectNode context = NODES.objectNode();
        context.putObject("library").put("name", "analytics.js").put("version", "npm:next-1.72.0");
        pageFields(context.putObject("page"), page);
        context.put("userAgent", device.userAgent());
        context.putObject("userAgentData").put("mobile", device.mobile()).put("platform", device.platform());
        context.put("locale", device.locale());
        context.put("timezone", device.timezone());
        context.put("ip", device.ip());
        context.putObject("screen").put("width", device.screenWidth()).put("height", device.screenHeight())
                .put("density", device.mobile() ? 3 : 2);
        if (campaign) {
            String[] c = pick(CAMPAIGNS);
            context.putObject("campaign").put("name", c[0]).put("source", c[1]).put("medium", c[2])
                    .put("term", c[3]).put("content", c[4]);
        }
        return context;
    }

    private ObjectNode serverContext(Device device) {
        ObjectNode context = NODES.objectNode();
        context.putObject("library").put("name", "analytics-node").put("version", "2.1.3");
        context.put("ip", device.ip());
        context.put("userAgent", device.userAgent());
        context.put("locale", device.locale());
        return context;
    }

    private ObjectNode traits(Person person) {
        ObjectNode traits = NODES.objectNode();
        traits.put("email", person.email());
        traits.put("firstName", person.firstName());
        traits.put("lastName", person.lastName());
        traits.put("name", person.firstName() + " " + person.lastName());
        traits.put("plan", person.plan());
        traits.put("createdAt", person.createdAt().toString());
        traits.putObject("company").put("name", person.company()).put("industry", person.industry())
                .put("employee_count", person.employees());
        traits.putObject("address").put("city", person.city()).put("country", person.country());
        return traits;
    }

    private String ip() {
        return (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    String hex(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(Character.forDigit(random.nextInt(16), 16));
        }
        return text.toString();
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }
}

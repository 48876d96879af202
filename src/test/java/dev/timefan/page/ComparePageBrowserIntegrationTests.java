package dev.timefan.page;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.timefan.Chromium;
import dev.timefan.time.TzRelease;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison page at {@code /} in a real browser ({@link Chromium}). A comparison is
 * clicked through and every chart read back through Chart.js' own API. With
 * {@code -Dtimefan.page.screenshot=docs/page.png} the finished comparison is also saved
 * there, as the README shows it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timefan.processes.workers=1",
				"timefan.batch.max-size=" + ComparePageBrowserIntegrationTests.MAX_BATCH })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComparePageBrowserIntegrationTests {

	static final int MAX_BATCH = 100;

	private static final List<String> STRATEGIES = List.of("threads", "virtual", "processes", "reactive");

	/** Generous, for a loaded machine: a run here takes a second or two. */
	private static final double RUN_TIMEOUT_MS = 60_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Every chart's labels and datasets, as Chart.js holds them. */
	private static final String CHARTS = """
			() => JSON.stringify(Object.fromEntries(
			    ['latency-chart', 'throughput-chart', 'status-chart', 'workers-chart'].map((id) => {
			        const chart = Chart.getChart(document.getElementById(id));
			        return [id, { labels: chart.data.labels,
			            datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) }];
			    })))
			""";

	@LocalServerPort
	private int port;

	@Autowired
	private TzRelease release;

	private @Nullable Chromium chromium;

	private final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();

	@BeforeAll
	void launchChromium() {
		this.chromium = Chromium.launch();
		PlaywrightAssertions.setDefaultAssertionTimeout(RUN_TIMEOUT_MS);
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(BrowserContext::close);
		this.contexts.clear();
	}

	@AfterAll
	void closeChromium() {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void aComparisonChartsEveryStrategyFromThisServerAlone() throws Exception {
		List<String> requested = new CopyOnWriteArrayList<>();
		List<String> errors = new CopyOnWriteArrayList<>();
		Page page = open(new Browser.NewContextOptions().setViewportSize(1280, 900), requested, errors);
		PlaywrightAssertions.assertThat(page.locator("#tz-release")).hasText(this.release.version());
		PlaywrightAssertions.assertThat(page.locator("#cores"))
			.hasText(Integer.toString(Runtime.getRuntime().availableProcessors()));
		PlaywrightAssertions.assertThat(page.locator("#batch-max")).hasText(Integer.toString(MAX_BATCH));
		PlaywrightAssertions.assertThat(page.locator("#noscript")).hasCount(0);

		page.fill("#count", "50");
		page.fill("#concurrency", "2");
		page.fill("#comparisons", "6");
		page.click("#run");
		awaitDone(page);

		JsonNode charts = charts(page);
		JsonNode latency = charts.get("latency-chart");
		assertThat(labels(latency)).containsExactlyElementsOf(STRATEGIES);
		assertThat(latency.get("datasets").values()).extracting((dataset) -> dataset.get("label").asString())
			.containsExactly("median", "p90", "p99", "slowest");
		assertThat(latency.get("datasets").values()).allSatisfy(ComparePageBrowserIntegrationTests::fourPositive);
		JsonNode throughput = charts.get("throughput-chart");
		assertThat(labels(throughput)).containsExactlyElementsOf(STRATEGIES);
		fourPositive(throughput.get("datasets").get(0));
		// Six comparisons of 50 zones drawn from the catalog: every item answered, by
		// every strategy.
		JsonNode statuses = charts.get("status-chart");
		assertThat(labels(statuses)).containsExactlyElementsOf(STRATEGIES);
		assertThat(datasets(statuses)).containsExactly(Map.entry("200", List.of(300, 300, 300, 300)));
		JsonNode workers = charts.get("workers-chart");
		assertThat(workers.get("datasets").values()).extracting((dataset) -> dataset.get("label").asString())
			.containsExactly("alive", "busy", "restarts");
		// One sample when the page opened, one a second while it ran, one when it ended.
		assertThat(workers.get("datasets").get(0).get("data").values()).hasSizeGreaterThanOrEqualTo(2)
			.allSatisfy((alive) -> assertThat(alive.get("y").asInt()).isEqualTo(1));
		assertThat(workers.get("datasets").get(2).get("data").values())
			.allSatisfy((restarts) -> assertThat(restarts.get("y").asInt()).isZero());
		PlaywrightAssertions.assertThat(page.locator("#summary tbody tr")).hasCount(STRATEGIES.size());
		PlaywrightAssertions.assertThat(page.locator("#status"))
			.containsText("Every strategy gave every item the same answer");

		assertThat(requested).as("what the page asked for")
			.anySatisfy((url) -> assertThat(url).contains("/webjars/"))
			.anySatisfy((url) -> assertThat(url).contains("/compare/time"))
			.anySatisfy((url) -> assertThat(url).contains("/page/stats"))
			.allSatisfy(
					(url) -> assertThat(URI.create(url).getAuthority()).as(url).isEqualTo("localhost:" + this.port));
		assertThat(errors).as("errors in the page").isEmpty();
		screenshot(page);
	}

	@Test
	void unknownZonesShowAsFailuresByStatus() throws Exception {
		Page page = open(new Browser.NewContextOptions(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
		page.check("input[name=zone-mode][value=list]");
		page.fill("#zones", "Asia/Kolkata, Mars/Olympus\nEurope/Paris");
		page.fill("#concurrency", "1");
		page.fill("#comparisons", "2");
		page.click("#run");
		awaitDone(page);

		JsonNode statuses = charts(page).get("status-chart");
		assertThat(labels(statuses)).containsExactlyElementsOf(STRATEGIES);
		assertThat(datasets(statuses)).containsExactly(Map.entry("200", List.of(4, 4, 4, 4)),
				Map.entry("404", List.of(2, 2, 2, 2)));
		PlaywrightAssertions.assertThat(page.locator("#summary tbody tr").first()).containsText("threads");
	}

	@Test
	void countsAndClientsAreClampedToTheServiceLimits() {
		Page page = open(new Browser.NewContextOptions(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
		PlaywrightAssertions.assertThat(page.locator("#batch-max")).hasText(Integer.toString(MAX_BATCH));
		page.fill("#count", "100000");
		page.fill("#concurrency", "99");
		page.fill("#comparisons", "1");
		page.click("#run");
		awaitDone(page);

		PlaywrightAssertions.assertThat(page.locator("#status")).containsText("of " + MAX_BATCH + " zones");
		PlaywrightAssertions.assertThat(page.locator("#count")).hasValue(Integer.toString(MAX_BATCH));
		PlaywrightAssertions.assertThat(page.locator("#concurrency")).hasValue("16");
	}

	@Test
	void withoutJavaScriptThePageSaysWhatItNeeds() {
		Page page = open(new Browser.NewContextOptions().setJavaScriptEnabled(false), new CopyOnWriteArrayList<>(),
				new CopyOnWriteArrayList<>());
		PlaywrightAssertions.assertThat(page.locator("#noscript")).isVisible();
		PlaywrightAssertions.assertThat(page.locator("#noscript")).containsText("This page needs JavaScript");
		PlaywrightAssertions.assertThat(page.locator("#noscript a").first())
			.hasAttribute("href", "compare/time?zones=Asia/Kolkata,Europe/Paris,America/Vancouver");
		PlaywrightAssertions.assertThat(page.locator("#app")).isHidden();
	}

	private Page open(Browser.NewContextOptions options, List<String> requested, List<String> errors) {
		assertThat(this.chromium).isNotNull();
		BrowserContext context = this.chromium.require().newContext(options);
		this.contexts.add(context);
		context.onRequest((request) -> requested.add(request.url()));
		Page page = context.newPage();
		page.onPageError(errors::add);
		page.onConsoleMessage((message) -> {
			if ("error".equals(message.type())) {
				errors.add(message.text());
			}
		});
		page.navigate("http://localhost:" + this.port + "/");
		return page;
	}

	/** Waits for the run to end, done or failed, and asserts it is done. */
	private static void awaitDone(Page page) {
		page.waitForFunction("""
				() => { const status = document.getElementById('status');
				        return status.textContent.startsWith('Done') || status.classList.contains('error'); }
				""", null, new Page.WaitForFunctionOptions().setTimeout(RUN_TIMEOUT_MS));
		assertThat(page.textContent("#status")).startsWith("Done");
	}

	private static JsonNode charts(Page page) {
		return JSON.readTree((String) page.evaluate(CHARTS));
	}

	private static List<String> labels(JsonNode chart) {
		return chart.get("labels").values().stream().map(JsonNode::asString).toList();
	}

	/** Each dataset's label and values. */
	private static List<Map.Entry<String, List<Integer>>> datasets(JsonNode chart) {
		return chart.get("datasets")
			.values()
			.stream()
			.map((dataset) -> Map.entry(dataset.get("label").asString(),
					dataset.get("data").values().stream().map(JsonNode::asInt).toList()))
			.toList();
	}

	private static void fourPositive(JsonNode dataset) {
		assertThat(dataset.get("data").values()).as(dataset.get("label").asString())
			.hasSize(STRATEGIES.size())
			.allSatisfy((value) -> assertThat(value.isNumber() && value.asDouble() > 0).as(value.toString()).isTrue());
	}

	private static void screenshot(Page page) {
		Page.ScreenshotOptions options = new Page.ScreenshotOptions().setFullPage(true);
		page.screenshot(options.setPath(Path.of("target", "page.png")));
		String readme = System.getProperty("timefan.page.screenshot");
		if (readme != null && !readme.isBlank()) {
			page.screenshot(options.setPath(Path.of(readme)));
		}
	}

}

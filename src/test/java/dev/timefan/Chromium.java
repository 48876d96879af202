package dev.timefan;

import java.nio.file.Path;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Debian's Chromium, headless, driven by Playwright, which never downloads a browser of
 * its own here. Tests that need it call {@link #require()} first: where no Chromium is
 * installed ({@code apt-get install -y --no-install-recommends chromium}) they are
 * skipped, saying so; {@code .ci/run} installs it.
 */
public final class Chromium implements AutoCloseable {

	private final @Nullable Playwright playwright;

	private final @Nullable Browser browser;

	private Chromium(@Nullable Playwright playwright, @Nullable Browser browser) {
		this.playwright = playwright;
		this.browser = browser;
	}

	/**
	 * Launches Chromium, when one is installed.
	 * @return the browser, or one that {@link #require() skips} every test
	 */
	public static Chromium launch() {
		Path chromium = InstalledTools.find("chromium");
		if (chromium == null) {
			return new Chromium(null, null);
		}
		// The driver is unpacked from its jar; no browser is downloaded: Debian's runs.
		Playwright playwright = Playwright
			.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
		return new Chromium(playwright, playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(chromium).setHeadless(true)));
	}

	/**
	 * The browser, or the test is skipped, saying why.
	 * @return the browser
	 */
	public Browser require() {
		assumeThat(this.browser)
			.as("no chromium on PATH or at /usr/bin/chromium, so this browser test is skipped "
					+ "(apt-get install -y --no-install-recommends chromium)")
			.isNotNull();
		return this.browser;
	}

	@Override
	public void close() {
		if (this.browser != null) {
			this.browser.close();
		}
		if (this.playwright != null) {
			this.playwright.close();
		}
	}

}

package dev.timefan.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.timefan.bench.Race.Cell;
import dev.timefan.bench.Race.Lookup;
import dev.timefan.bench.Race.Window;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jspecify.annotations.Nullable;

/**
 * The PNG charts of a {@link Race}, drawn with JFreeChart: median batch time against
 * batch size per phase (log-log), zones per second and CPU time per zone with concurrent
 * clients at the largest size, and the single lookups' requests per second.
 */
final class RaceCharts {

	private static final int WIDTH = 960;

	private static final int HEIGHT = 600;

	private static final Map<String, Color> COLORS = Map.of("threads", new Color(0x1f77b4), "virtual",
			new Color(0x2ca02c), "processes", new Color(0x9467bd), "reactive", new Color(0xff7f0e), "seed_threads",
			new Color(0x7f7f7f), "seed_processes", new Color(0x8c564b), "aiohttp", new Color(0xd62728), "node_fetch",
			new Color(0x17becf));

	private static final List<String> TIMEFAN = List.of("threads", "virtual", "processes", "reactive");

	private static final DecimalFormat WHOLE = new DecimalFormat("#,##0",
			DecimalFormatSymbols.getInstance(Locale.ROOT));

	private static final DecimalFormat TICK = new DecimalFormat("#,##0.#",
			DecimalFormatSymbols.getInstance(Locale.ROOT));

	private final Path directory;

	RaceCharts(Path directory) {
		this.directory = directory;
	}

	/**
	 * Writes every chart the race has figures for.
	 * @param race the race
	 * @return each chart written: its file name and its caption
	 * @throws IOException if a file cannot be written
	 */
	List<String[]> write(Race race) throws IOException {
		List<String[]> written = new ArrayList<>();
		for (String phase : race.phases()) {
			String title = "L".equals(phase) ? "Median batch time, the upstream at L = " + race.latencyMs() + " ms"
					: "Median batch time, the upstream at 0 ms (T0)";
			if (latency(race, phase, "race-latency-" + phase + ".png", title)) {
				written.add(new String[] { "race-latency-" + phase + ".png", title });
			}
		}
		List<Integer> sizes = race.sizes();
		if (!sizes.isEmpty()) {
			int largest = sizes.get(sizes.size() - 1);
			String clients = race.cells()
				.stream()
				.map(Cell::throughput)
				.filter((window) -> window != null)
				.map((window) -> Integer.toString(window.clients()))
				.findFirst()
				.orElse("");
			String title = "Zones per second, " + clients + " concurrent clients, " + RaceMarkdown.count(largest)
					+ "-zone batches";
			if (bars(race, largest, "race-throughput.png", title, "zones per second",
					(window) -> window.zonesPerSecond())) {
				written.add(new String[] { "race-throughput.png", title });
			}
			title = "CPU time per zone, µs (user + system), " + clients + " concurrent clients, "
					+ RaceMarkdown.count(largest) + "-zone batches";
			if (bars(race, largest, "race-cpu.png", title, "CPU µs per zone", Window::cpuMicrosPerZone)) {
				written.add(new String[] { "race-cpu.png", title });
			}
		}
		String title = "Single lookups over HTTP, wrk -t2 -c64: 2xx answers per second";
		if (lookups(race, "race-lookups.png", title)) {
			written.add(new String[] { "race-lookups.png", title });
		}
		return written;
	}

	private boolean latency(Race race, String phase, String file, String title) throws IOException {
		XYSeriesCollection dataset = new XYSeriesCollection();
		List<String> contenders = new ArrayList<>();
		boolean leftOut = false;
		for (String contender : race.contenders()) {
			XYSeries series = new XYSeries(contender);
			for (int size : race.sizes()) {
				Cell cell = race.cell(phase, contender, size);
				Double p50 = (cell != null) ? cell.p50() : null;
				if (cell != null && cell.timedNotOk() > 0) {
					leftOut = true;
				}
				else if (p50 != null && p50 > 0) {
					series.add(size, p50);
				}
			}
			if (!series.isEmpty()) {
				dataset.addSeries(series);
				contenders.add(contender);
			}
		}
		if (contenders.isEmpty()) {
			return false;
		}
		JFreeChart chart = ChartFactory.createXYLineChart(title, "zones per batch", "median batch time, ms", dataset,
				PlotOrientation.VERTICAL, true, false, false);
		XYPlot plot = chart.getXYPlot();
		plot.setDomainAxis(logAxis("zones per batch"));
		plot.setRangeAxis(logAxis("median batch time, ms (log)"));
		XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
		for (int i = 0; i < contenders.size(); i++) {
			String contender = contenders.get(i);
			renderer.setSeriesPaint(i, color(contender));
			renderer.setSeriesStroke(i, TIMEFAN.contains(contender) ? new BasicStroke(2.5f) : new BasicStroke(1.8f,
					BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] { 6f, 4f }, 0f));
		}
		plot.setRenderer(renderer);
		style(chart);
		noteLeftOut(chart, leftOut);
		save(chart, file);
		return true;
	}

	private boolean bars(Race race, int size, String file, String title, String axis,
			Function<Window, @Nullable Double> figure) throws IOException {
		DefaultCategoryDataset dataset = new DefaultCategoryDataset();
		boolean leftOut = false;
		for (String phase : race.phases()) {
			String series = "L".equals(phase) ? "L = " + race.latencyMs() + " ms" : "T0 (0 ms)";
			for (String contender : race.contenders()) {
				Cell cell = race.cell(phase, contender, size);
				Window window = (cell != null) ? cell.throughput() : null;
				Double value = (window != null) ? figure.apply(window) : null;
				if (window != null && window.failed() + window.notUpstream() > 0) {
					leftOut = true;
				}
				else if (value != null) {
					dataset.addValue(value, series, contender);
				}
			}
		}
		if (dataset.getColumnCount() == 0) {
			return false;
		}
		JFreeChart chart = ChartFactory.createBarChart(title, "contender", axis, dataset);
		CategoryPlot plot = chart.getCategoryPlot();
		plot.getDomainAxis()
			.setCategoryLabelPositions(CategoryLabelPositions.createUpRotationLabelPositions(Math.PI / 6));
		BarRenderer renderer = (BarRenderer) plot.getRenderer();
		barStyle(renderer);
		renderer.setSeriesPaint(0, new Color(0x1f77b4));
		renderer.setSeriesPaint(1, new Color(0xff7f0e));
		style(chart);
		noteLeftOut(chart, leftOut);
		save(chart, file);
		return true;
	}

	private boolean lookups(Race race, String file, String title) throws IOException {
		DefaultCategoryDataset dataset = new DefaultCategoryDataset();
		for (Lookup lookup : race.lookups()) {
			if (lookup.requestsPerSecond() != null) {
				dataset.addValue(lookup.requestsPerSecond(), "2xx/s", lookup.path());
			}
		}
		if (dataset.getColumnCount() == 0) {
			return false;
		}
		JFreeChart chart = ChartFactory.createBarChart(title, "", "2xx answers per second", dataset,
				PlotOrientation.HORIZONTAL, false, false, false);
		BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
		barStyle(renderer);
		renderer.setSeriesPaint(0, new Color(0x1f77b4));
		style(chart);
		save(chart, file);
		return true;
	}

	private static void noteLeftOut(JFreeChart chart, boolean leftOut) {
		if (leftOut) {
			TextTitle note = new TextTitle(
					"Left out: cells with items that failed or did not come from the upstream (see the tables)",
					new Font(Font.SANS_SERIF, Font.ITALIC, 12));
			chart.addSubtitle(note);
		}
	}

	private static void barStyle(BarRenderer renderer) {
		renderer.setBarPainter(new StandardBarPainter());
		renderer.setShadowVisible(false);
		renderer.setItemMargin(0.05);
		renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", WHOLE));
		renderer.setDefaultItemLabelsVisible(true);
		renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
	}

	private static LogarithmicAxis logAxis(String label) {
		LogarithmicAxis axis = new LogarithmicAxis(label);
		axis.setStrictValuesFlag(false);
		axis.setExpTickLabelsFlag(false);
		axis.setLog10TickLabelsFlag(false);
		axis.setNumberFormatOverride(TICK);
		return axis;
	}

	private static void style(JFreeChart chart) {
		chart.setBackgroundPaint(Color.WHITE);
		chart.getPlot().setBackgroundPaint(Color.WHITE);
		if (chart.getPlot() instanceof XYPlot plot) {
			plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
			plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		}
		if (chart.getPlot() instanceof CategoryPlot plot) {
			plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		}
		chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
	}

	private static Paint color(String contender) {
		return COLORS.getOrDefault(contender, Color.BLACK);
	}

	private void save(JFreeChart chart, String file) throws IOException {
		ChartUtils.saveChartAsPNG(this.directory.resolve(file).toFile(), chart, WIDTH, HEIGHT);
	}

}

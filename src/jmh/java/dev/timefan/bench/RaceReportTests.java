package dev.timefan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RaceReport}, {@link Race}, {@link RaceMarkdown} and
 * {@link RaceCharts}. Built and run with {@code -Pbench} only:
 * {@code ./mvnw -Pbench test -Dtest=RaceReportTests -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RaceReportTests {

	@TempDir
	Path directory;

	@Test
	void percentilesAreNearestRanks() {
		List<Double> values = new ArrayList<>();
		for (int i = 15; i >= 1; i--) {
			values.add((double) i);
		}
		assertThat(Race.percentile(values, 0.5)).isEqualTo(8.0);
		assertThat(Race.percentile(values, 0.99)).isEqualTo(15.0);
		assertThat(Race.percentile(List.of(3.0, 1.0), 0.5)).isEqualTo(1.0);
		assertThat(Race.percentile(List.of(), 0.5)).isNull();
	}

	@Test
	void cellsJoinTheirTimedBatchesAndWindows() {
		Race race = Race.read(lines());
		assertThat(race.phases()).containsExactly("L", "T0");
		assertThat(race.contenders()).containsExactly("threads", "node_fetch");
		assertThat(race.sizes()).containsExactly(1, 10);
		Race.Cell cell = race.cell("L", "threads", 10);
		assertThat(cell).isNotNull();
		assertThat(cell.timedMs()).containsExactly(60.0, 70.0, 50.0);
		assertThat(cell.p50()).isEqualTo(60.0);
		assertThat(cell.p99()).isEqualTo(70.0);
		assertThat(cell.throughput()).isNotNull();
		assertThat(cell.throughput().zonesPerSecond()).isEqualTo(999.8);
		assertThat(cell.throughput().batchesPerSecond()).isEqualTo(100.0);
		assertThat(cell.throughput().cpuMicrosPerZone()).isEqualTo(500.0);
		assertThat(cell.rssMib()).isEqualTo(420.0);
		assertThat(cell.notOk()).isEqualTo(3);
		assertThat(race.cell("T0", "node_fetch", 1).error()).contains("exited with 1");
	}

	@Test
	void theReportHasATableRowPerCellTheLookupsAgainstTheirTargetsAndItsCharts() throws IOException {
		Path report = RaceReport.write(lines(), this.directory);
		String markdown = Files.readString(report);
		assertThat(markdown).contains("- Date: 2026-12-03")
			.contains("## The upstream at L = 50 ms")
			.contains("| threads | 10 | 60.0 | 70.0 | 3 | 100 | 1,000 | 5.00 | 500 | 420 | 3 * |")
			.contains("| `/bench/bare` | 10,000 |")
			.contains("| `/threads/time/Asia/Kolkata` | 6,500 | 4.10 | 19.0 | 65 % | ≥ 60 %: met | 0 |")
			.contains("| `/processes/time/Asia/Kolkata` | 3,000 | 9.00 | 40.0 | 30 % | ≥ 40 %: **missed** | 12 |")
			.contains("T0 node_fetch, 1 zones: exited with 1")
			.contains("L threads, 10 zones: 1 of 30 timed items, 2 of 10,000 in the throughput window not ok "
					+ "(1 in the window answered, but not from the upstream)")
			.contains("![Median batch time, the upstream at L = 50 ms](race-latency-L.png)");
		for (String chart : List.of("race-latency-L.png", "race-latency-T0.png", "race-throughput.png", "race-cpu.png",
				"race-lookups.png")) {
			byte[] png = Files.readAllBytes(this.directory.resolve(chart));
			assertThat(png).as(chart).startsWith(0x89, 'P', 'N', 'G');
		}
	}

	@Test
	void aSkippedLookupSaysWhyAndLeavesNoRatios() throws IOException {
		List<String> lines = List.of("""
				{"type":"lookup","label":"bare","path":"/bench/bare","skipped":"404: no bench profile in this jar"}""",
				"""
						{"type":"lookup","label":"threads","path":"/threads/time/Asia/Kolkata","rps":6500,"p50_ms":4.1,"p99_ms":19}""");
		String markdown = Files.readString(RaceReport.write(lines, this.directory));
		assertThat(markdown).contains("| `/bench/bare` | skipped: 404: no bench profile in this jar |")
			.contains("| `/threads/time/Asia/Kolkata` | 6,500 | 4.10 | 19.0 | - | ≥ 60 % | 0 |");
	}

	private static List<String> lines() {
		return List.of("""
				{"type":"meta","latency_ms":50,"about":[{"label":"Date","value":"2026-12-03"}]}""",
				"""
						{"type":"batch","phase":"L","contender":"threads","zones":10,"run":0,"warmup":true,"elapsed_ms":900,"ok":10,"failed":0}""",
				"""
						{"type":"batch","phase":"L","contender":"threads","zones":10,"run":1,"warmup":false,"elapsed_ms":60,"ok":10,"failed":0,"not_upstream":0}""",
				"""
						{"type":"batch","phase":"L","contender":"threads","zones":10,"run":2,"warmup":false,"elapsed_ms":70,"ok":9,"failed":1,"not_upstream":0}""",
				"""
						{"type":"batch","phase":"L","contender":"threads","zones":10,"run":3,"warmup":false,"elapsed_ms":50,"ok":10,"failed":0,"not_upstream":0}""",
				"""
						{"type":"latency","phase":"L","contender":"threads","zones":10,"runs":3,"wall_s":0.2,"cpu_s":0.1,"rss_mib":400}""",
				"""
						{"type":"throughput","phase":"L","contender":"threads","zones":10,"clients":16,"batches":1000,"ok":9998,"failed":1,"not_upstream":1,"wall_s":10,"cpu_s":5,"rss_mib":420}""",
				"""
						{"type":"batch","phase":"L","contender":"threads","zones":1,"run":1,"warmup":false,"elapsed_ms":52,"ok":1,"failed":0}""",
				"""
						{"type":"throughput","phase":"L","contender":"threads","zones":1,"clients":16,"batches":3000,"ok":3000,"failed":0,"not_upstream":0,"wall_s":10,"cpu_s":2,"rss_mib":410}""",
				"""
						{"type":"batch","phase":"L","contender":"node_fetch","zones":10,"run":1,"warmup":false,"elapsed_ms":55,"ok":10,"failed":0}""",
				"""
						{"type":"throughput","phase":"L","contender":"node_fetch","zones":10,"clients":16,"batches":900,"ok":9000,"failed":0,"not_upstream":0,"wall_s":10,"cpu_s":3,"rss_mib":90}""",
				"""
						{"type":"batch","phase":"T0","contender":"threads","zones":10,"run":1,"warmup":false,"elapsed_ms":5,"ok":10,"failed":0}""",
				"""
						{"type":"throughput","phase":"T0","contender":"threads","zones":10,"clients":16,"batches":5000,"ok":50000,"failed":0,"not_upstream":0,"wall_s":10,"cpu_s":19,"rss_mib":430}""",
				"""
						{"type":"error","phase":"T0","contender":"node_fetch","zones":1,"message":"exited with 1"}""",
				"""
						{"type":"lookup","label":"bare","path":"/bench/bare","rps":10000,"p50_ms":3,"p99_ms":12,"non_2xx":0,"socket_errors":0}""",
				"""
						{"type":"lookup","label":"threads","path":"/threads/time/Asia/Kolkata","rps":6500,"p50_ms":4.1,"p99_ms":19,"non_2xx":0,"socket_errors":0}""",
				"""
						{"type":"lookup","label":"processes","path":"/processes/time/Asia/Kolkata","rps":3500,"ok_rps":3000,"p50_ms":9,"p99_ms":40,"non_2xx":10,"socket_errors":2}""");
	}

}

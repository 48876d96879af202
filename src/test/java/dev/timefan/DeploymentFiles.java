package dev.timefan;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deployment files as their tools read them: the Dockerfile's instructions, YAML
 * (anchors and merge keys resolved), Grafana's JSON, Kubernetes objects as fabric8's
 * typed models, and the metric names a PromQL query reads.
 */
public final class DeploymentFiles {

	static final Path COMPOSE = Path.of("docker-compose.yml");

	static final Path DOCKERFILE = Path.of("Dockerfile");

	static final Path PROMETHEUS = Path.of("deploy", "prometheus", "prometheus.yml");

	static final Path GRAFANA = Path.of("deploy", "grafana");

	static final Path DASHBOARD = GRAFANA.resolve("dashboards").resolve("timefan.json");

	static final Path KUBERNETES = Path.of("deploy", "kubernetes");

	/** Words of PromQL that are no metric: aggregation modifiers and operators. */
	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
			"bool", "and", "or", "unless", "offset", "inf", "nan");

	/**
	 * What a metric name is not part of: label matchers, ranges, strings, label lists.
	 */
	private static final Pattern NOT_NAMES = Pattern
		.compile("\\{[^}]*}|\\[[^]]*]|\"[^\"]*\"|\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	/**
	 * An identifier not followed by an opening parenthesis (which makes it a function).
	 */
	private static final Pattern IDENTIFIER = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DeploymentFiles() {
	}

	/** A YAML document as maps and lists. */
	public static Map<String, Object> yaml(Path file) {
		try (Reader reader = Files.newBufferedReader(file)) {
			return new Yaml().load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A YAML mapping, as {@link #yaml} reads one. */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	/** A YAML sequence, as {@link #yaml} reads one. */
	@SuppressWarnings("unchecked")
	public static List<Object> list(Object value) {
		return (List<Object>) value;
	}

	static JsonNode dashboard() {
		return JSON.readTree(DASHBOARD.toFile());
	}

	/** Every query of every panel of the dashboard. */
	static List<String> dashboardQueries() {
		return dashboard().get("panels")
			.valueStream()
			.flatMap((panel) -> panel.get("targets").valueStream())
			.map((target) -> target.get("expr").asString())
			.toList();
	}

	/**
	 * The metric names a PromQL query reads: identifiers outside label matchers, ranges,
	 * strings and label lists that are neither functions nor keywords.
	 */
	static Set<String> metricNames(String query) {
		String names = NOT_NAMES.matcher(query).replaceAll(" ");
		Set<String> metrics = new LinkedHashSet<>();
		Matcher identifier = IDENTIFIER.matcher(names);
		while (identifier.find()) {
			String name = identifier.group(1);
			if (!KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
				metrics.add(name);
			}
		}
		return metrics;
	}

	/** A Kubernetes manifest as fabric8's typed model of its kind. */
	static HasMetadata kubernetes(String file) {
		try (InputStream in = Files.newInputStream(KUBERNETES.resolve(file))) {
			return new KubernetesSerialization().unmarshal(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The Dockerfile's instructions in order: comments dropped, continuations joined.
	 * @return the instructions
	 */
	public static List<Instruction> dockerfile() {
		try {
			return Stream.of(Files.readString(DOCKERFILE).replace("\\\n", " ").split("\n"))
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.map(Instruction::parse)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The instructions of the Dockerfile's last stage, the image that runs.
	 * @return the instructions after the last {@code FROM}
	 */
	public static List<Instruction> runtimeStage() {
		List<Instruction> all = dockerfile();
		int from = 0;
		for (int i = 0; i < all.size(); i++) {
			if (all.get(i).is("FROM")) {
				from = i;
			}
		}
		return all.subList(from + 1, all.size());
	}

	/**
	 * The argument of the runtime stage's only instruction of a kind.
	 * @param keyword such as {@code USER}
	 * @return its argument
	 */
	public static String runtimeInstruction(String keyword) {
		List<Instruction> found = runtimeStage().stream().filter((instruction) -> instruction.is(keyword)).toList();
		if (found.size() != 1) {
			throw new IllegalStateException("expected one " + keyword + " in the runtime stage, found " + found);
		}
		return found.getFirst().argument();
	}

	/**
	 * The options of a {@code java} command line that shape the JVM ({@code -X...}),
	 * without those naming an AOT cache to use or to write.
	 * @param command the command's words
	 * @return the options, in order
	 */
	public static List<String> jvmShapingOptions(List<String> command) {
		return command.stream()
			.filter((word) -> word.startsWith("-X"))
			.filter((word) -> !word.startsWith("-XX:AOTCache=") && !word.startsWith("-XX:AOTCacheOutput="))
			.toList();
	}

	/**
	 * One Dockerfile instruction.
	 *
	 * @param keyword {@code FROM}, {@code RUN}, ... in upper case
	 * @param argument the rest of the line
	 */
	public record Instruction(String keyword, String argument) {

		static Instruction parse(String line) {
			String[] parts = line.split("\\s+", 2);
			return new Instruction(parts[0].toUpperCase(Locale.ROOT), (parts.length > 1) ? parts[1] : "");
		}

		public boolean is(String keyword) {
			return this.keyword.equals(keyword);
		}

		/** The argument of an exec form ({@code ["java", "-jar", ...]}) as words. */
		public List<String> execForm() {
			return List.of(JSON.readValue(this.argument, String[].class));
		}

	}

}

package dev.timefan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.timefan.DeploymentFiles.COMPOSE;
import static dev.timefan.DeploymentFiles.PROMETHEUS;
import static dev.timefan.DeploymentFiles.list;
import static dev.timefan.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The deployment files parse as their tools parse them, and agree with one another and
 * with the image: service names, ports, paths, the user, and resources that cover what
 * the service was measured to use. {@link DeploymentIntegrationTests} checks the metrics
 * and paths they name against a running service.
 */
class DeploymentFilesTests {

	/** The port the service listens on: Boot's default, which the image EXPOSEs. */
	static final int PORT = 8080;

	@Nested
	class Image {

		List<String> entrypoint() {
			return DeploymentFiles.runtimeStage()
				.stream()
				.filter((instruction) -> instruction.is("ENTRYPOINT"))
				.findFirst()
				.orElseThrow()
				.execForm();
		}

		@Test
		void serviceCacheIsTrainedWithTheFlagsTheEntrypointRunsWith() {
			String training = DeploymentFiles.runtimeStage()
				.stream()
				.filter((instruction) -> instruction.is("RUN") && instruction.argument().contains("-jar timefan.jar"))
				.map(DeploymentFiles.Instruction::argument)
				.collect(Collectors.joining())
				.strip();
			List<String> words = List.of(training.split("\\s+"));
			assertThat(words).contains("-XX:AOTCacheOutput=timefan.aot", "-Dspring.context.exit=onRefresh")
				.endsWith("-jar", "timefan.jar");
			assertThat(entrypoint()).contains("-XX:AOTCache=timefan.aot").endsWith("-jar", "timefan.jar");
			assertThat(DeploymentFiles.jvmShapingOptions(words))
				.isEqualTo(DeploymentFiles.jvmShapingOptions(entrypoint()));
		}

		@Test
		void exposesTheServicesPortAndChecksReadinessAsItsNonRootUser() {
			assertThat(DeploymentFiles.runtimeInstruction("EXPOSE")).isEqualTo(String.valueOf(PORT));
			assertThat(DeploymentFiles.runtimeInstruction("HEALTHCHECK"))
				.contains("/dev/tcp/127.0.0.1/${SERVER_PORT:-8080}", "GET /actuator/health/readiness");
			assertThat(DeploymentFiles.runtimeInstruction("USER")).matches("[1-9][0-9]*:[1-9][0-9]*");
		}

	}

	@Nested
	class Compose {

		final Map<String, Object> compose = DeploymentFiles.yaml(COMPOSE);

		Map<String, Object> service(String name) {
			return map(map(this.compose.get("services")).get(name));
		}

		Map<String, Object> environment(String service) {
			return map(service(service).get("environment"));
		}

		@Test
		void hasNoVersionKeySoComposeV2And129BothReadIt() {
			assertThat(this.compose).doesNotContainKey("version");
			assertThat(map(this.compose.get("services"))).containsOnlyKeys("timefan", "upstream", "prometheus",
					"grafana", "loadgen");
		}

		@Test
		void timefanUpstreamAndLoadgenAreTheImageOfThisDockerfile() {
			for (String name : List.of("timefan", "upstream", "loadgen")) {
				assertThat(service(name)).as(name)
					.containsEntry("build", ".")
					.containsEntry("image", "${TIMEFAN_IMAGE:-timefan:local}");
			}
		}

		@Test
		void timefanAsksTheUpstreamServiceForEveryZoneOnceItIsHealthy() {
			assertThat(environment("timefan")).containsEntry("TIMEFAN_SOURCE", "upstream")
				.containsEntry("TIMEFAN_UPSTREAM_BASE_URL", "http://upstream:" + PORT + "/api");
			assertThat(map(map(service("timefan").get("depends_on")).get("upstream"))).containsEntry("condition",
					"service_healthy");
			assertThat(list(service("timefan").get("ports"))).containsExactly("${TIMEFAN_HOST_PORT:-8080}:" + PORT);
		}

		@Test
		void upstreamEmulatesASlowSlightlyFlakyApi() {
			assertThat(environment("upstream")).containsEntry("TIMEFAN_EMULATION_LATENCY", "50ms")
				.containsEntry("TIMEFAN_EMULATION_JITTER", "20ms")
				.containsEntry("TIMEFAN_EMULATION_FAILURE_RATE", "0.01");
		}

		@Test
		void loadGeneratorDrivesTimefanWithItsMountedScript() {
			assertThat(list(service("loadgen").get("entrypoint"))).containsExactly("bash", "/loadgen/drive.sh");
			assertThat(list(service("loadgen").get("volumes"))).containsExactly("./deploy/loadgen:/loadgen:ro");
			assertThat(Path.of("deploy", "loadgen", "drive.sh")).isRegularFile();
			assertThat(environment("loadgen")).containsEntry("TIMEFAN_HOST", "timefan")
				.containsEntry("TIMEFAN_PORT", String.valueOf(PORT));
		}

		@Test
		void everyBindMountedHostPathExists() {
			for (Object service : map(this.compose.get("services")).values()) {
				Object volumes = map(service).get("volumes");
				for (Object volume : (volumes != null) ? list(volumes) : List.of()) {
					String host = volume.toString().split(":")[0];
					assertThat(Path.of(host)).as(volume.toString()).exists();
				}
			}
		}

		@Test
		void prometheusReadsItsOwnFolderAndGrafanaItsProvisioning() {
			assertThat(list(service("prometheus").get("volumes")))
				.containsExactly("./deploy/prometheus:/etc/prometheus:ro");
			assertThat(list(service("prometheus").get("command")))
				.contains("--config.file=/etc/prometheus/" + PROMETHEUS.getFileName());
			assertThat(list(service("grafana").get("volumes"))).containsExactlyInAnyOrder(
					"./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
					"./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro");
		}

	}

	@Nested
	class Prometheus {

		final Map<String, Object> config = DeploymentFiles.yaml(PROMETHEUS);

		@Test
		void scrapesTimefansActuatorEveryFiveSeconds() {
			List<Object> jobs = list(this.config.get("scrape_configs"));
			assertThat(jobs).hasSize(1);
			Map<String, Object> job = map(jobs.getFirst());
			assertThat(job).containsEntry("job_name", "timefan")
				.containsEntry("scrape_interval", "5s")
				.containsEntry("metrics_path", "/actuator/prometheus");
			assertThat(list(map(list(job.get("static_configs")).getFirst()).get("targets")))
				.containsExactly("timefan:" + PORT);
		}

		@Test
		void promtoolAcceptsTheConfiguration() throws Exception {
			Path promtool = InstalledTools.find("promtool");
			assumeThat(promtool).as("promtool (Debian's prometheus package, which .ci/run installs)").isNotNull();
			Process check = new ProcessBuilder(promtool.toString(), "check", "config", PROMETHEUS.toString())
				.redirectErrorStream(true)
				.start();
			String report = new String(check.getInputStream().readAllBytes());
			assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(check.exitValue()).as(report).isZero();
			assertThat(report).contains("SUCCESS");
		}

	}

	@Nested
	class Grafana {

		final Map<String, Object> dataSource = map(
				list(DeploymentFiles.yaml(DeploymentFiles.GRAFANA.resolve("provisioning/datasources/prometheus.yml"))
					.get("datasources")).getFirst());

		@Test
		void dataSourceIsTheComposePrometheus() {
			assertThat(this.dataSource).containsEntry("type", "prometheus")
				.containsEntry("uid", "prometheus")
				.containsEntry("url", "http://prometheus:9090");
		}

		@Test
		void dashboardProviderLoadsTheFolderComposeMounts() {
			Map<String, Object> provider = map(
					list(DeploymentFiles.yaml(DeploymentFiles.GRAFANA.resolve("provisioning/dashboards/timefan.yml"))
						.get("providers")).getFirst());
			assertThat(map(provider.get("options"))).containsEntry("path", "/var/lib/grafana/dashboards");
		}

		@Test
		void everyPanelAndVariableQueriesTheProvisionedDataSource() {
			JsonNode dashboard = DeploymentFiles.dashboard();
			Stream<JsonNode> users = Stream.concat(dashboard.get("panels").valueStream(),
					dashboard.get("templating").get("list").valueStream());
			assertThat(users).allSatisfy((user) -> assertThat(user.get("datasource").get("uid").asString())
				.isEqualTo(this.dataSource.get("uid")));
		}

		@Test
		void dashboardComparesTheStrategiesOnEveryAskedMeasure() {
			List<String> queries = DeploymentFiles.dashboardQueries();
			assertThat(queries)
				.anyMatch((query) -> query.startsWith("histogram_quantile(0.5,")
						&& query.contains("timefan_batch_seconds_bucket") && query.contains("by (strategy, le)"))
				.anyMatch((query) -> query.startsWith("histogram_quantile(0.95,")
						&& query.contains("timefan_batch_seconds_bucket"))
				.anyMatch((query) -> query.startsWith("histogram_quantile(0.99,")
						&& query.contains("timefan_batch_seconds_bucket"));
			List<String> names = queries.stream()
				.flatMap((query) -> DeploymentFiles.metricNames(query).stream())
				.toList();
			assertThat(names).contains("timefan_batch_seconds_count", "timefan_lookup_seconds_count",
					"timefan_inflight_zones", "timefan_workers_alive", "timefan_worker_restarts_total",
					"executor_queued_tasks", "timefan_upstream_retries_calls_total",
					"timefan_upstream_fallbacks_zones_total");
		}

		@Test
		void metricNamesAreReadFromQueriesAsPrometheusWould() {
			assertThat(DeploymentFiles.metricNames(
					"histogram_quantile(0.95, sum by (strategy, le) (rate(timefan_batch_seconds_bucket{strategy=~\"$strategy\"}[1m])))"))
				.containsExactly("timefan_batch_seconds_bucket");
			assertThat(DeploymentFiles.metricNames(
					"sum by (uri) (rate(a_sum[5m])) / on (uri) group_left sum without (le) (rate(b_count{x!=\"by\"}[5m]))"))
				.containsExactly("a_sum", "b_count");
		}

	}

	@Nested
	class Kubernetes {

		final Deployment deployment = (Deployment) DeploymentFiles.kubernetes("deployment.yaml");

		final PodSpec pod = this.deployment.getSpec().getTemplate().getSpec();

		final Container container = this.pod.getContainers().getFirst();

		/**
		 * Resident memory measured in the container after a minute of 1,000-zone upstream
		 * batches through every strategy ({@code scripts/bench-container}, README "Run
		 * many replicas"): the service's beyond its heap (727 MiB with a 512 MiB heap),
		 * and a worker's.
		 */
		static final long SERVICE_NON_HEAP_RSS_MIB = 215;

		static final long WORKER_RSS_MIB = 132;

		String env(String name) {
			return this.container.getEnv()
				.stream()
				.filter((env) -> env.getName().equals(name))
				.map(EnvVar::getValue)
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + name + " in " + this.container.getEnv()));
		}

		@Test
		void kustomizationListsEveryManifestAndEachIsATypedObjectOfItsKind() throws Exception {
			List<Object> resources = list(
					DeploymentFiles.yaml(DeploymentFiles.KUBERNETES.resolve("kustomization.yaml")).get("resources"));
			List<String> manifests = new ArrayList<>();
			try (Stream<Path> files = Files.list(DeploymentFiles.KUBERNETES)) {
				files.map((file) -> file.getFileName().toString())
					.filter((name) -> !name.equals("kustomization.yaml"))
					.forEach(manifests::add);
			}
			assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests);
			assertThat(manifests.stream().map(DeploymentFiles::kubernetes).map(Object::getClass).toList())
				.containsExactlyInAnyOrder(Deployment.class, Service.class, HorizontalPodAutoscaler.class,
						PodDisruptionBudget.class);
		}

		@Test
		void probesAskBootsHealthGroupsOnTheServicesPort() {
			assertThat(this.container.getPorts()).singleElement().satisfies((port) -> {
				assertThat(port.getName()).isEqualTo("http");
				assertThat(port.getContainerPort()).isEqualTo(PORT);
			});
			assertThat(path(this.container.getStartupProbe())).isEqualTo("/actuator/health/liveness");
			assertThat(path(this.container.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
			assertThat(path(this.container.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
			Stream
				.of(this.container.getStartupProbe(), this.container.getLivenessProbe(),
						this.container.getReadinessProbe())
				.forEach((probe) -> assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http"));
			// A cold start (two worker JVMs, no AOT cache at worst) gets two minutes.
			Probe startup = this.container.getStartupProbe();
			assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(120);
		}

		static String path(Probe probe) {
			HTTPGetAction get = probe.getHttpGet();
			assertThat(get).as("an HTTP probe").isNotNull();
			return get.getPath();
		}

		@Test
		void prometheusScrapesTheActuatorOfEveryPod() {
			assertThat(this.deployment.getSpec().getTemplate().getMetadata().getAnnotations())
				.containsEntry("prometheus.io/scrape", "true")
				.containsEntry("prometheus.io/port", String.valueOf(PORT))
				.containsEntry("prometheus.io/path", "/actuator/prometheus");
		}

		@Test
		void serviceAndBudgetsSelectTheDeploymentsPods() {
			Map<String, String> labels = this.deployment.getSpec().getTemplate().getMetadata().getLabels();
			assertThat(this.deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(labels);
			Service service = (Service) DeploymentFiles.kubernetes("service.yaml");
			assertThat(labels).containsAllEntriesOf(service.getSpec().getSelector());
			assertThat(service.getSpec().getPorts()).singleElement()
				.satisfies((port) -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
			PodDisruptionBudget budget = (PodDisruptionBudget) DeploymentFiles.kubernetes("pdb.yaml");
			assertThat(labels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
			HorizontalPodAutoscaler autoscaler = (HorizontalPodAutoscaler) DeploymentFiles.kubernetes("hpa.yaml");
			assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
			assertThat(autoscaler.getSpec().getScaleTargetRef().getName())
				.isEqualTo(this.deployment.getMetadata().getName());
			assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
		}

		@Test
		void podRunsAsTheImagesNonRootUser() {
			String[] user = DeploymentFiles.runtimeInstruction("USER").split(":");
			assertThat(this.pod.getSecurityContext().getRunAsNonRoot()).isTrue();
			assertThat(this.pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user[0])).isNotZero();
			assertThat(this.container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
			assertThat(this.container.getVolumeMounts())
				.anySatisfy((mount) -> assertThat(mount.getMountPath()).as("a writable /tmp for Tomcat and the JVM")
					.isEqualTo("/tmp"));
		}

		@Test
		void oneWorkerPerCpuOfTheLimit() {
			assertThat(Integer.parseInt(env("TIMEFAN_PROCESSES_WORKERS")))
				.isEqualTo(this.container.getResources().getLimits().get("cpu").getNumericalAmount().intValueExact());
		}

		@Test
		void memoryLimitCoversTheServicesHeapShareAndTheMeasuredRestWithRoomToSpare() {
			Map<String, Quantity> limits = this.container.getResources().getLimits();
			long limitMib = Quantity.getAmountInBytes(limits.get("memory")).longValueExact() >> 20;
			double heapShare = DeploymentFiles.runtimeStage()
				.stream()
				.filter((instruction) -> instruction.is("ENTRYPOINT"))
				.flatMap((entrypoint) -> entrypoint.execForm().stream())
				.filter((option) -> option.startsWith("-XX:MaxRAMPercentage="))
				.mapToDouble((option) -> Double.parseDouble(option.substring(option.indexOf('=') + 1)) / 100)
				.findFirst()
				.orElseThrow();
			long workers = Long.parseLong(env("TIMEFAN_PROCESSES_WORKERS"));
			double needed = heapShare * limitMib + SERVICE_NON_HEAP_RSS_MIB + workers * WORKER_RSS_MIB;
			assertThat(needed).as("MiB the pod needs under load, of its %d MiB", limitMib)
				.isLessThanOrEqualTo(0.9 * limitMib);
			assertThat(this.container.getResources().getRequests().get("memory")).as("memory is not overcommitted")
				.isEqualTo(limits.get("memory"));
		}

		@Test
		void terminationGraceCoversPreStopDrainingAndTheWorkersGrace() {
			List<String> preStop = this.container.getLifecycle().getPreStop().getExec().getCommand();
			assertThat(preStop).hasSize(2).startsWith("sleep");
			Duration needed = Duration.ofSeconds(Long.parseLong(preStop.get(1)))
				// spring.lifecycle.timeout-per-shutdown-phase, Boot's default, bounds
				// draining
				.plusSeconds(30)
				// timefan.processes.shutdown-grace
				.plusSeconds(5);
			assertThat(Duration.ofSeconds(this.pod.getTerminationGracePeriodSeconds())).isGreaterThanOrEqualTo(needed);
		}

	}

}

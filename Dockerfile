# timefan's container image. On a fresh clone, with nothing built beforehand:
#   DOCKER_BUILDKIT=1 docker build -t timefan .
# Two stages: the jar is built with the Maven wrapper on a JDK, then run on a JRE from Spring Boot's
# extracted layout, with JDK 25 AOT caches for the service and its worker JVMs trained at build time.

FROM eclipse-temurin:25-jdk AS build
WORKDIR /build
# The wrapper and pom.xml alone first: this dependency layer is rebuilt only when they change.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/main/ src/main/
RUN ./mvnw -B -ntp -q package -Dmaven.test.skip=true
# One folder per layer (dependencies, spring-boot-loader, snapshot-dependencies, application): a thin
# timefan.jar whose manifest names lib/, and the libraries.
RUN java -Djarmode=tools -jar target/timefan-*.jar extract --layers --destination /layers --application-filename timefan.jar

FROM eclipse-temurin:25-jre
# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it.
RUN groupadd --gid 10001 timefan \
	&& useradd --uid 10001 --gid timefan --home-dir /app --no-create-home --shell /usr/sbin/nologin timefan
WORKDIR /app
# One COPY per layer, least often changed first: a code change rebuilds only the application layer.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# AOT caches, trained by this image's own JVM with the flags they run with. Neither run calls out: the
# service's stops once its context has refreshed, before serving anything, with the ENTRYPOINT's flags.
RUN java -XX:AOTCacheOutput=timefan.aot -XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Dspring.context.exit=onRefresh -jar timefan.jar
# A worker, started as WorkerLauncher starts one with the default timefan.processes.jvm-options: it
# loads the zone catalog, says hello and exits at stdin EOF.
RUN java -Xlog:disable -Xlog:all=warning:stderr -XX:AOTCacheOutput=worker.aot -Xmx48m -Xmn8m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp timefan.jar dev.timefan.processes.WorkerMain </dev/null >/dev/null
ENV TIMEFAN_PROCESSES_AOT_CACHE=/app/worker.aot
USER 10001:10001
EXPOSE 8080
# Readiness over HTTP with nothing but bash (the base image has no curl to count on). Compose uses it;
# Kubernetes ignores it and probes the same health groups itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
	CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# 40 % of the container's memory for the service's heap; the rest holds its non-heap memory (about
# 220 MiB) and the worker JVMs (one per CPU, -Xmx48m each, up to 145 MiB resident). README: sizing.
ENTRYPOINT ["java", "-XX:AOTCache=timefan.aot", "-XX:MaxRAMPercentage=40", "-XX:+ExitOnOutOfMemoryError", "-jar", "timefan.jar"]

# The Segment webhook bridge alone (webhook-bridge.jar): takes Segment events over HTTP and
# produces them to segment.raw. It keeps no local state.
# Build from the repository root:  docker build -f docker/stitch-bridge.Dockerfile -t stitch-bridge .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl webhook-bridge -am package -DskipTests

FROM eclipse-temurin:17-jre-noble
# The Temurin Ubuntu images come with curl; the health check below needs it, so fail the build
# here rather than ship an image that can never report healthy.
RUN curl --version >/dev/null \
 && groupadd --system --gid 10001 stitch \
 && useradd --system --uid 10001 --gid stitch --no-create-home --home-dir /opt/stitch --shell /usr/sbin/nologin stitch
COPY --from=build /src/webhook-bridge/target/lib/ /opt/stitch/lib/
COPY --from=build /src/webhook-bridge/target/webhook-bridge.jar /opt/stitch/webhook-bridge.jar

# The heap is a share of the container's memory limit; the rest is for metaspace, thread stacks
# and Netty's and the Kafka producer's direct buffers. Override with JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
WORKDIR /opt/stitch
# The bridge (STITCH_BRIDGE_PORT): Segment's paths, /health/live, /health/ready, /metrics.
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://localhost:8080/health/ready || exit 1
ENTRYPOINT ["java", "-jar", "/opt/stitch/webhook-bridge.jar"]

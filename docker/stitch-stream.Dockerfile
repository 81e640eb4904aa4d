# The stitching application: `stitch.jar stream` (Kafka Streams with RocksDB state, and the query API).
# Build from the repository root:  docker build -f docker/stitch-stream.Dockerfile -t stitch-stream .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl launcher -am package -DskipTests

FROM eclipse-temurin:17-jre-noble
# The Temurin Ubuntu images come with curl; the health check below needs it, so fail the build
# here rather than ship an image that can never report healthy.
RUN curl --version >/dev/null \
 && groupadd --system --gid 10001 stitch \
 && useradd --system --uid 10001 --gid stitch --no-create-home --home-dir /opt/stitch --shell /usr/sbin/nologin stitch \
 && mkdir -p /var/lib/stitch \
 && chown stitch:stitch /var/lib/stitch
COPY --from=build /src/launcher/target/lib/ /opt/stitch/lib/
COPY --from=build /src/launcher/target/stitch.jar /opt/stitch/stitch.jar

# RocksDB state lives in $STITCH_DATA_DIR/streams; keep it on a volume so a restart does not
# restore every store from its changelog.
ENV STITCH_DATA_DIR=/var/lib/stitch
VOLUME /var/lib/stitch

# The heap is a share of the container's memory limit. RocksDB is off-heap: its block cache and
# write buffers are bounded by STITCH_ROCKSDB_MEMORY (256mb by default), and the JVM needs room
# for metaspace, thread stacks, direct buffers and the Kafka clients besides, so the heap takes
# 40% and leaves the rest to them (deploy/README.md, "Memory"). Override with JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError"

USER 10001:10001
WORKDIR /opt/stitch
# The query API (STITCH_API_PORT): the interactive queries, /health/live, /health/ready, /metrics.
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null http://localhost:8081/health/ready || exit 1
ENTRYPOINT ["java", "-jar", "/opt/stitch/stitch.jar"]
CMD ["stream"]

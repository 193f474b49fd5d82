package io.deletionwatch.connectors.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The few calls of Flink's REST API ({@code /v1}) that submitting, watching, stopping and resuming
 * a job need: what {@code flink run}, {@code flink stop} and {@code flink cancel} do. Works against
 * any Flink 2.x JobManager, not only a {@link FlinkCluster}.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Set<String> TERMINAL =
            Set.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");

    private final String baseUrl;
    private final HttpClient http;

    /**
     * @param baseUrl e.g. {@code http://127.0.0.1:8081}
     */
    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A completed checkpoint or savepoint as REST reports it. */
    public record CompletedCheckpoint(
            long id,
            String externalPath,
            boolean savepoint,
            long endToEndDurationMillis,
            long stateSize) {}

    /** What a (re)started job restored from. */
    public record RestoredCheckpoint(
            long id, String externalPath, boolean savepoint, long restoreTimestamp) {}

    /**
     * {@code /jobs/<id>/checkpoints}: counts and the latest completed and restored checkpoint.
     *
     * @param restored how many times the job restored state: a failover or a start from a savepoint
     *     or retained checkpoint counts one each
     */
    public record Checkpoints(
            long completed,
            long failed,
            long inProgress,
            long restored,
            Optional<CompletedCheckpoint> latestCompleted,
            Optional<RestoredCheckpoint> latestRestored) {}

    /** One registered TaskManager: its id and slots. */
    public record TaskManagerInfo(String id, int slots, int freeSlots) {}

    /** {@code POST /jars/upload}; returns the jar id for {@link #runJar}. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----deletion-watch-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\n"
                                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\n"
                                + "Content-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request =
                HttpRequest.newBuilder(uri("/jars/upload"))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build();
        JsonNode response = send(request);
        String filename = response.path("filename").asText();
        if (filename.isEmpty()) {
            throw new IOException("jar upload answered without a filename: " + response);
        }
        // The id is the stored file's name, e.g. 3f...e1_deletion-watch.jar
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code POST /jars/<id>/run}: runs the jar's {@code main} in the JobManager, which submits the
     * job; returns its id.
     *
     * @param entryClass the main class, or null for the jar manifest's
     * @param parallelism null for the cluster's default
     * @param savepointPath a savepoint or retained checkpoint to start from, or null
     */
    public String runJar(
            String jarId,
            String entryClass,
            List<String> args,
            Integer parallelism,
            String savepointPath)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (entryClass != null) {
            body.put("entryClass", entryClass);
        }
        ArrayNode argList = body.putArray("programArgsList");
        args.forEach(argList::add);
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
        }
        JsonNode response = post("/jars/" + encode(jarId) + "/run", body);
        String jobId = response.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IOException("jar run answered without a job id: " + response);
        }
        return jobId;
    }

    /** The job's state: CREATED, RUNNING, FAILING, RESTARTING, CANCELED, FAILED, FINISHED, ... */
    public String jobStatus(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Whether the job is RUNNING with every subtask of every vertex RUNNING. */
    public boolean allTasksRunning(String jobId) throws IOException {
        JsonNode job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt()
                    != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until {@link #allTasksRunning}; fails at once when the job reaches a terminal state,
     * with its root exception.
     */
    public void waitUntilRunning(String jobId, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allTasksRunning(jobId)) {
            String state = jobStatus(jobId);
            if (TERMINAL.contains(state)) {
                throw new IOException(
                        "job " + jobId + " is " + state + ": " + rootException(jobId));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "job "
                                + jobId
                                + " not running with all tasks within "
                                + timeout.toSeconds()
                                + " s (state "
                                + state
                                + "): "
                                + rootException(jobId));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Waits until the job's state is {@code state}. */
    public void waitForStatus(String jobId, String state, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String now;
        while (!(now = jobStatus(jobId)).equals(state)) {
            if (System.nanoTime() > deadline
                    || (TERMINAL.contains(now) && !TERMINAL.contains(state))) {
                throw new IOException(
                        "job "
                                + jobId
                                + " is "
                                + now
                                + ", not "
                                + state
                                + ": "
                                + rootException(jobId));
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** {@code GET /jobs/<id>/checkpoints}. */
    public Checkpoints checkpoints(String jobId) throws IOException {
        JsonNode body = get("/jobs/" + jobId + "/checkpoints");
        JsonNode counts = body.path("counts");
        JsonNode latest = body.path("latest");
        JsonNode completed = latest.path("completed");
        JsonNode restored = latest.path("restored");
        return new Checkpoints(
                counts.path("completed").asLong(),
                counts.path("failed").asLong(),
                counts.path("in_progress").asLong(),
                counts.path("restored").asLong(),
                completed.isObject()
                        ? Optional.of(
                                new CompletedCheckpoint(
                                        completed.path("id").asLong(),
                                        completed.path("external_path").asText(null),
                                        completed.path("is_savepoint").asBoolean(),
                                        completed.path("end_to_end_duration").asLong(),
                                        completed.path("state_size").asLong()))
                        : Optional.empty(),
                restored.isObject()
                        ? Optional.of(
                                new RestoredCheckpoint(
                                        restored.path("id").asLong(),
                                        restored.path("external_path").asText(null),
                                        restored.path("is_savepoint").asBoolean(),
                                        restored.path("restore_timestamp").asLong()))
                        : Optional.empty());
    }

    /** {@code GET /jobs/<id>/checkpoints/config}: interval, mode, state backend, retention. */
    public JsonNode checkpointConfig(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints/config");
    }

    /** {@code GET /jobs/<id>/config}: the job's execution configuration. */
    public JsonNode jobConfig(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/config");
    }

    /**
     * Stops the job with a savepoint into {@code targetDirectory} ({@code flink stop}), without
     * draining (no end-of-time watermark: windows and partial matches stay in the savepoint), and
     * returns the savepoint's path once it completed.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        if (trigger.isEmpty()) {
            throw new IOException("stop answered without a request id");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException(
                            "stop with savepoint failed: "
                                    + operation
                                            .path("failure-cause")
                                            .path("stack-trace")
                                            .asText()
                                            .lines()
                                            .limit(5)
                                            .reduce("", (a, b) -> a + "\n" + b));
                }
                return operation.path("location").asText();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "stop with savepoint took over " + timeout.toSeconds() + " s");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** {@code PATCH /jobs/<id>?mode=cancel} ({@code flink cancel}); returns at once. */
    public void cancel(String jobId) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .timeout(REQUEST_TIMEOUT)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        send(request);
    }

    /** {@code GET /jobs/<id>/exceptions}: the root exception and the history of failures. */
    public JsonNode jobExceptions(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /** The first lines of the job's latest failure, or {@code (none)}. */
    public String rootException(String jobId) {
        try {
            JsonNode exceptions = jobExceptions(jobId);
            String root = exceptions.path("root-exception").asText("");
            if (root.isEmpty()) {
                JsonNode entries = exceptions.path("exceptionHistory").path("entries");
                root =
                        entries.isArray() && !entries.isEmpty()
                                ? entries.get(0).path("stacktrace").asText("")
                                : "";
            }
            return root.isEmpty() ? "(none)" : String.join("\n", root.lines().limit(8).toList());
        } catch (IOException e) {
            return "(exceptions not available: " + e.getMessage() + ")";
        }
    }

    /** How many failures the job's exception history holds. */
    public int failureCount(String jobId) throws IOException {
        return jobExceptions(jobId).path("exceptionHistory").path("entries").size();
    }

    /** {@code GET /taskmanagers}: the TaskManagers registered now. */
    public List<TaskManagerInfo> taskManagers() throws IOException {
        List<TaskManagerInfo> out = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            out.add(
                    new TaskManagerInfo(
                            tm.path("id").asText(),
                            tm.path("slotsNumber").asInt(),
                            tm.path("freeSlots").asInt()));
        }
        return out;
    }

    /**
     * The sum over all subtasks of the job's operator metric whose name ends with {@code
     * metricSuffix} (e.g. {@code activityLog.recordsIn}), or empty when no vertex has it yet.
     */
    public Optional<Double> sumOfMetric(String jobId, String metricSuffix) throws IOException {
        double sum = 0;
        boolean found = false;
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            String metrics =
                    "/jobs/"
                            + jobId
                            + "/vertices/"
                            + vertex.path("id").asText()
                            + "/subtasks/metrics";
            List<String> names = new ArrayList<>();
            for (JsonNode metric : get(metrics)) {
                String id = metric.path("id").asText();
                if (id.endsWith(metricSuffix)) {
                    names.add(id);
                }
            }
            for (String name : names) {
                for (JsonNode value : get(metrics + "?agg=sum&get=" + encode(name))) {
                    sum += value.path("sum").asDouble();
                    found = true;
                }
            }
        }
        return found ? Optional.of(sum) : Optional.empty();
    }

    /** A GET of any REST path, e.g. {@code /overview}. */
    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    private JsonNode post(String path, JsonNode body) throws IOException {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build());
    }

    private JsonNode send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
        }
        String text = response.body();
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri().getPath()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + errors(text));
        }
        return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    /** Flink's {@code {"errors": [...]}}, first lines of each. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            List<String> out = new ArrayList<>();
            for (Iterator<JsonNode> it = errors.elements(); it.hasNext(); ) {
                out.add(String.join("\n", it.next().asText().lines().limit(6).toList()));
            }
            return out.isEmpty() ? body : String.join("\n", out);
        } catch (IOException e) {
            return body;
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + "/v1" + path);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "FlinkRestClient[" + baseUrl + "]";
    }
}

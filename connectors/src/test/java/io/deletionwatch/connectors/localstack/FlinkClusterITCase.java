package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cluster harness itself: processes, registration, a killed and a replaced TaskManager. */
class FlinkClusterITCase {
    private static final Logger LOG = LoggerFactory.getLogger(FlinkClusterITCase.class);

    @Test
    void shouldRegisterTaskManagersNoticeAKilledOneAndLeaveNothingBehind() throws Exception {
        Path workDir;
        List<Long> pids;
        try (FlinkCluster flink =
                FlinkCluster.builder()
                        .taskManagers(2)
                        .slotsPerTaskManager(2)
                        .config("heartbeat.interval", "1s")
                        .config("heartbeat.timeout", "5s")
                        .environment("DELETION_WATCH_TEST_VARIABLE", "from-the-environment")
                        .start()) {
            LOG.info("Flink {} cluster started in {} ms: {}", FlinkCluster.FLINK_VERSION, flink.startupTime().toMillis(), flink);
            workDir = flink.workDir();
            FlinkRestClient rest = flink.rest();
            assertThat(rest.taskManagers()).hasSize(2).allSatisfy(tm -> assertThat(tm.slots()).isEqualTo(2));
            assertThat(rest.get("/overview").path("flink-version").asText()).isEqualTo(FlinkCluster.FLINK_VERSION);
            assertThat(rest.get("/jobmanager/config").toString())
                    .contains("\"key\":\"rest.bind-address\",\"value\":\"127.0.0.1\"");
            // secrets go by environment, never on a command line
            for (long pid : List.of(flink.jobManagerPid(), flink.taskManagers().get(0).pid())) {
                String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
                assertThat(cmdline).doesNotContain("from-the-environment");
                assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "environ")))
                        .contains("DELETION_WATCH_TEST_VARIABLE=from-the-environment");
            }

            FlinkCluster.TaskManager victim = flink.taskManagers().get(0);
            victim.kill();
            assertThat(victim.isAlive()).isFalse();
            Eventually.await("the JobManager to drop the killed TaskManager", Duration.ofMinutes(1), () -> rest.taskManagers().size() == 1);
            FlinkCluster.TaskManager replacement = flink.startTaskManager();
            LOG.info("replacement TaskManager registered in {} ms", replacement.startupTime().toMillis());
            assertThat(rest.taskManagers()).hasSize(2);
            assertThat(flink.taskManagers()).hasSize(3).contains(replacement);
            pids = List.of(flink.jobManagerPid(), flink.taskManagers().get(1).pid(), replacement.pid());
        }
        assertThat(workDir).doesNotExist();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
    }
}

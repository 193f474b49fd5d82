package io.deletionwatch.job.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One Azure operation as the Activity Log records it: its phase rows (Start, then Accept and/or
 * Success, or Failure) with the same correlation id. The completing row is at {@link #at}; Start
 * one second earlier; a Success after an Accept 20 seconds later. The request body rides on the
 * Start row, the response body and status message on the completing one.
 */
public final class Op {
    private final String operationName;
    private final String resourceId;
    private Instant time = ActivityRecords.BEGINNING;
    private TestCaller caller = TestCaller.ALICE;
    private String correlationId;
    private String requestBody;
    private String responseBody;
    private String statusMessage;
    private String successStatus = "OK";
    private boolean requestOnCompletion;
    private List<String> phases;

    private Op(String operationName, String resourceId) {
        this.operationName = operationName;
        this.resourceId = resourceId;
        this.phases = List.of("Start", "Success");
    }

    public static Op of(String operationName, String resourceId) {
        return new Op(operationName, resourceId);
    }

    /** The write of a resource: the operation name follows from its id. */
    public static Op write(String resourceId) {
        return new Op(operationFor(resourceId, "write"), resourceId);
    }

    public static Op delete(String resourceId) {
        return new Op(operationFor(resourceId, "delete"), resourceId);
    }

    /** {@code Microsoft.Network/networkSecurityGroups/delete} from the id's provider and types. */
    static String operationFor(String resourceId, String verb) {
        String[] parts = resourceId.substring(1).split("/");
        int providers = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equalsIgnoreCase("providers")) {
                providers = i;
            }
        }
        StringBuilder op = new StringBuilder();
        if (providers < 0) {
            op.append("Microsoft.Resources/subscriptions/resourceGroups");
        } else {
            op.append(parts[providers + 1]);
            for (int i = providers + 2; i < parts.length; i += 2) {
                op.append('/').append(parts[i]);
            }
        }
        return op.append('/').append(verb).toString();
    }

    public Op at(Instant completion) {
        this.time = completion;
        return this;
    }

    public Op by(TestCaller who) {
        this.caller = who;
        return this;
    }

    public Op correlation(String id) {
        this.correlationId = id;
        return this;
    }

    public Op request(String body) {
        this.requestBody = body;
        return this;
    }

    /** Puts the request body on the completing row instead of the Start row. */
    public Op requestOnCompletion() {
        this.requestOnCompletion = true;
        return this;
    }

    public Op response(String body) {
        this.responseBody = body;
        return this;
    }

    /** The status code of the Success row: {@code Created} for a new resource. */
    public Op created() {
        this.successStatus = "Created";
        return this;
    }

    /** Start, then Failure with this status message. */
    public Op failing(String message) {
        this.statusMessage = message;
        this.phases = List.of("Start", "Failure");
        return this;
    }

    public Op phases(String... resultTypes) {
        this.phases = List.of(resultTypes);
        return this;
    }

    public String correlationId() {
        if (correlationId == null) {
            correlationId =
                    UUID.nameUUIDFromBytes(
                                    (operationName + '|' + resourceId + '|' + time + '|' + caller)
                                            .getBytes(StandardCharsets.UTF_8))
                            .toString();
        }
        return correlationId;
    }

    public List<ActivityRecords> rows() {
        List<ActivityRecords> rows = new ArrayList<>();
        boolean accepted = phases.contains("Accept");
        boolean requestPlaced = false;
        for (String phase : phases) {
            Instant rowTime =
                    switch (phase) {
                        case "Start" -> time.minusSeconds(1);
                        case "Success" -> accepted ? time.plus(Duration.ofSeconds(20)) : time;
                        default -> time;
                    };
            ActivityRecords row =
                    caller.applyTo(
                            ActivityRecords.record(
                                    operationName, resourceId, phase, correlationId(), rowTime));
            boolean completion = !phase.equals("Start");
            if (requestBody != null && !requestPlaced && (completion == requestOnCompletion || !phases.contains("Start"))) {
                row.property("requestbody", requestBody);
                requestPlaced = true;
            }
            if (completion && responseBody != null && phase.equals("Success")) {
                row.property("responseBody", responseBody);
            }
            if (phase.equals("Success")) {
                row.property("statusCode", successStatus);
            }
            if (phase.equals("Failure") && statusMessage != null) {
                row.property("statusMessage", statusMessage);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The rows of several operations, in the order given. */
    public static List<ActivityRecords> rows(Op... ops) {
        List<ActivityRecords> all = new ArrayList<>();
        for (Op op : ops) {
            all.addAll(op.rows());
        }
        return all;
    }
}

package io.deletionwatch.job.rules;

import io.deletionwatch.job.events.ActivityEvent;
import io.deletionwatch.job.events.Outcome;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDetails;
import io.deletionwatch.job.findings.NsgRuleChange;
import io.deletionwatch.job.findings.RuleDefinition;
import io.deletionwatch.job.findings.Severity;
import io.deletionwatch.job.findings.Technique;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code nsg-rule-changed}: a security rule of an NSG was created, updated or deleted. One finding
 * per successful operation, emitted when its success row arrives. The rule's access, direction,
 * protocol, source and ports come from the success row's bodies, else from the request body the
 * operation's Start row carried (kept per operation until the success row comes).
 *
 * <p>The Start row may also come after the success row: in a backlog the two phases sit on
 * different partitions or, keyed by outcome, pass different de-duplication subtasks. Then the
 * finding goes out at once without the rule's properties and, when the Start row comes (within the
 * TTL), again with them, the same id and {@link Finding#revision} 1, so the stored copy is
 * replaced. De-duplicating on the operation alone would not remove the case: rows of one
 * operation on two partitions still reach any one operator in either order.
 */
public final class NsgRuleChangedRule implements DetectionRule {
    private static final long serialVersionUID = 1L;

    public static final RuleDefinition DEFINITION =
            new RuleDefinition(
                    "nsg-rule-changed",
                    "Network security group rule changed",
                    "A security rule of a network security group was created, changed or deleted."
                            + " An Allow rule for inbound traffic from any source exposes whatever"
                            + " the NSG protects to the Internet.",
                    "network-security",
                    List.of("configuration", "network"),
                    List.of("change"),
                    List.of(Technique.CLOUD_FIREWALL),
                    List.of("IF014.005"));

    private final Duration startBodyTtl;

    /** @param startBodyTtl how long a Start row's body waits for its operation's success row */
    public NsgRuleChangedRule(Duration startBodyTtl) {
        this.startBodyTtl = startBodyTtl;
    }

    @Override
    public RuleDefinition definition() {
        return DEFINITION;
    }

    @Override
    public boolean accepts(ActivityEvent event) {
        if (!isRuleOperation(event)) {
            return false;
        }
        return event.succeeded()
                || (event.outcome() == Outcome.IN_PROGRESS && event.requestBody() != null);
    }

    private static boolean isRuleOperation(ActivityEvent event) {
        return event.operation().equals(Operations.NSG_RULE_WRITE)
                || event.operation().equals(Operations.NSG_RULE_DELETE);
    }

    @Override
    public DataStream<Finding> detect(RuleInputs inputs) {
        return inputs.events()
                .filter(this::accepts)
                .name("NSG rule writes and deletes")
                .keyBy(ActivityEvent::operationKey)
                .process(new Changes(startBodyTtl))
                .uid("nsg-rule-changed")
                .name("nsg-rule-changed findings");
    }

    /**
     * Keeps a Start row's rule until the operation succeeds, then makes the finding; keeps a
     * success row that came first and lacked the rule until its Start row, then sends the finding
     * again, completed.
     */
    static final class Changes extends KeyedProcessFunction<String, ActivityEvent, Finding> {
        private static final long serialVersionUID = 1L;

        private final Duration ttl;
        private transient ValueState<NsgRuleChange> requested;
        private transient ValueState<ActivityEvent> sentWithoutRule;

        Changes(Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public void open(OpenContext openContext) {
            ValueStateDescriptor<NsgRuleChange> descriptor =
                    new ValueStateDescriptor<>("requested-rule", NsgRuleChange.class);
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
            requested = getRuntimeContext().getState(descriptor);
            ValueStateDescriptor<ActivityEvent> sentDescriptor =
                    new ValueStateDescriptor<>("sent-without-rule", ActivityEvent.class);
            sentDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
            sentWithoutRule = getRuntimeContext().getState(sentDescriptor);
        }

        @Override
        public void processElement(ActivityEvent event, Context ctx, Collector<Finding> out)
                throws Exception {
            if (!event.succeeded()) {
                NsgRuleChange change = SecurityRules.fromBody(event.requestBody(), event.resource().name());
                if (change == null) {
                    return;
                }
                ActivityEvent sent = sentWithoutRule.value();
                if (sent != null) {
                    sentWithoutRule.clear();
                    out.collect(finding(sent, change).withRevision(1));
                } else {
                    requested.update(change);
                }
                return;
            }
            NsgRuleChange change;
            if (event.operation().equals(Operations.NSG_RULE_DELETE)) {
                change = SecurityRules.deleted(event.resource().name());
            } else {
                change = SecurityRules.fromBody(event.requestBody(), event.resource().name());
                if (change == null) {
                    change = SecurityRules.fromBody(event.responseBody(), event.resource().name());
                }
                if (change == null) {
                    change = requested.value();
                }
            }
            requested.clear();
            if (change == null) {
                // Its Start row may still come; its bodies told nothing, so they are not kept.
                sentWithoutRule.update(event.withoutBodies());
            }
            out.collect(finding(event, change));
        }
    }

    static Finding finding(ActivityEvent event, NsgRuleChange change) {
        boolean delete = event.operation().equals(Operations.NSG_RULE_DELETE);
        NsgRuleChange details = change != null ? change : SecurityRules.deleted(event.resource().name());
        Severity severity = details.opensInboundFromAny() ? Severity.HIGH : Severity.MEDIUM;
        StringBuilder message = new StringBuilder(event.caller().displayName());
        message.append(' ').append(delete ? "deleted" : verb(event.statusCode()));
        message.append(" security rule ").append(event.resource().name());
        message.append(delete ? " from" : " in");
        message.append(" network security group ").append(nsgName(event));
        if (!delete && change != null) {
            message.append(": ").append(summary(change));
            if (change.opensInboundFromAny()) {
                message.append(", which opens inbound access from any source");
            }
        }
        message.append(SingleEventFindings.where(event));
        FindingDetails findingDetails =
                new FindingDetails(null, null, null, null, null, null, details);
        return SingleEventFindings.of(
                DEFINITION, severity, event, message.toString(), List.of(event), findingDetails);
    }

    private static String verb(String statusCode) {
        if ("Created".equalsIgnoreCase(statusCode)) {
            return "created";
        }
        return "OK".equalsIgnoreCase(statusCode) ? "changed" : "wrote";
    }

    /** "Allow Inbound Tcp from * to port 22". */
    private static String summary(NsgRuleChange c) {
        StringBuilder s = new StringBuilder();
        append(s, c.access());
        append(s, c.direction());
        append(s, c.protocol());
        if (c.source() != null) {
            append(s, "from " + c.source());
        }
        if (c.destinationPorts() != null) {
            append(s, "to port " + c.destinationPorts());
        }
        return s.length() == 0 ? "no rule properties in the body" : s.toString();
    }

    private static void append(StringBuilder s, String part) {
        if (part != null) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(part);
        }
    }

    /** The NSG's name: the segment two before the rule's name. */
    private static String nsgName(ActivityEvent event) {
        String[] parts = event.resource().id().split("/");
        return parts.length >= 3 ? parts[parts.length - 3] : "?";
    }
}

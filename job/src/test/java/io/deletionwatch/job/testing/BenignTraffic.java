package io.deletionwatch.job.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic (seeded) stream of ordinary Azure activity that none of the rules should report:
 * people writing VMs, storage accounts and key vaults and listing keys, subnet and NIC writes that
 * keep their NSG, NSG writes, the IaC pipeline applying changes in short bursts, a cleanup
 * automation deleting old snapshots and disks slowly, the odd failed write, and now and then a
 * row delivered twice. No NSG, NSG rule or logging deletion, no burst of deletions.
 */
public final class BenignTraffic {
    public static final String GROUP_NET = "rg-network";
    public static final String GROUP_APP = "rg-app";
    public static final String GROUP_DATA = "rg-data";
    public static final String GROUP_OPS = "rg-ops";
    public static final String VNET = "vnet-hub";

    /** The subnets of the hub VNet and the NSG each keeps. */
    public static final Map<String, String> SUBNET_NSGS = subnetNsgs();

    private static final List<TestCaller> PEOPLE = List.of(TestCaller.ALICE, TestCaller.BOB, TestCaller.CAROL);

    private final Random random;
    private int cleanupCounter;
    private int nameCounter;

    public BenignTraffic(long seed) {
        this.random = new Random(seed);
    }

    private static Map<String, String> subnetNsgs() {
        Map<String, String> nsgs = new LinkedHashMap<>();
        nsgs.put("web", Ids.nsg(GROUP_NET, "nsg-web"));
        nsgs.put("api", Ids.nsg(GROUP_NET, "nsg-api"));
        nsgs.put("data", Ids.nsg(GROUP_NET, "nsg-data"));
        return nsgs;
    }

    /** The operations between the two times, in time order. */
    public List<Op> between(Instant from, Instant to) {
        List<Op> ops = new ArrayList<>();
        ops.addAll(people(from, to));
        ops.addAll(network(from, to));
        ops.addAll(pipeline(from, to));
        ops.addAll(cleanup(from, to));
        return ops;
    }

    /** The rows of the operations, sorted by time, some delivered twice, a few a minute late. */
    public List<ActivityRecords> rows(List<Op> ops) {
        List<Timed> timed = new ArrayList<>();
        for (Op op : ops) {
            for (ActivityRecords row : op.rows()) {
                Instant time = Instant.parse(row.json().get("time").asText());
                timed.add(new Timed(time, row));
                if (random.nextInt(100) < 2) {
                    // at-least-once delivery: the same row again, a little later
                    timed.add(new Timed(time.plusSeconds(30 + random.nextInt(60)), row));
                }
            }
        }
        timed.sort((a, b) -> a.arrival().compareTo(b.arrival()));
        // some rows reach the hub up to a minute behind their neighbours
        for (int i = 0; i + 1 < timed.size(); i++) {
            Timed a = timed.get(i);
            Timed b = timed.get(i + 1);
            if (random.nextInt(100) < 5 && Duration.between(a.arrival(), b.arrival()).getSeconds() < 60) {
                timed.set(i, b);
                timed.set(i + 1, a);
                i++;
            }
        }
        List<ActivityRecords> rows = new ArrayList<>();
        timed.forEach(t -> rows.add(t.row()));
        return rows;
    }

    private record Timed(Instant arrival, ActivityRecords row) {}

    private List<Op> people(Instant from, Instant to) {
        List<Op> ops = new ArrayList<>();
        for (TestCaller person : PEOPLE) {
            Instant t = from.plusSeconds(random.nextInt(300));
            while (t.isBefore(to)) {
                ops.add(personOp(person, t));
                t = t.plusSeconds(120 + random.nextInt(900));
            }
        }
        return ops;
    }

    private Op personOp(TestCaller person, Instant t) {
        int kind = random.nextInt(100);
        Op op;
        if (kind < 35) {
            op = Op.write(Ids.vm(GROUP_APP, "vm-app-" + random.nextInt(8))).request(vmBody());
        } else if (kind < 55) {
            op = Op.write(Ids.storage(GROUP_DATA, "stdata" + random.nextInt(4)));
        } else if (kind < 70) {
            op = Op.of("Microsoft.Storage/storageAccounts/listKeys/action", Ids.storage(GROUP_DATA, "stdata" + random.nextInt(4)));
        } else if (kind < 80) {
            op = Op.write(Ids.keyVault(GROUP_OPS, "kv-ops"));
        } else if (kind < 90) {
            op = Op.write(Ids.group("rg-sandbox-" + person.displayName().substring(0, 3)));
        } else if (kind < 96) {
            op = Op.write(Ids.vm(GROUP_APP, "vm-app-" + random.nextInt(8)))
                    .failing("{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":\"Operation could not be completed as it results in exceeding approved standardDSv3Family Cores quota.\"}}");
        } else {
            // the odd manual deletion of a scratch disk
            op = Op.delete(Ids.disk(GROUP_APP, "scratch-" + person.displayName().charAt(0) + nameCounter++))
                    .phases("Start", "Accept", "Success");
        }
        return op.by(person).at(jitter(t));
    }

    private List<Op> network(Instant from, Instant to) {
        List<Op> ops = new ArrayList<>();
        // the hub's subnets and NICs are written now and then, and keep their NSG
        Instant t = from.plusSeconds(60 + random.nextInt(240));
        while (t.isBefore(to)) {
            int kind = random.nextInt(3);
            List<String> subnets = new ArrayList<>(SUBNET_NSGS.keySet());
            String subnet = subnets.get(random.nextInt(subnets.size()));
            String nsg = SUBNET_NSGS.get(subnet);
            String subnetId = Ids.subnet(GROUP_NET, VNET, subnet);
            TestCaller who = random.nextBoolean() ? TestCaller.ALICE : TestCaller.TERRAFORM;
            Op op =
                    switch (kind) {
                        case 0 -> Op.write(subnetId)
                                .request(TestBodies.subnet(subnet, nsg))
                                .response(TestBodies.subnet(subnet, nsg));
                        case 1 -> Op.write(Ids.nic(GROUP_APP, "vm-app-" + random.nextInt(8) + "-nic"))
                                .request(TestBodies.nic(subnetId, nsg));
                        default -> Op.write(nsg)
                                .request("{\"location\":\"westeurope\",\"tags\":{\"owner\":\"netops\"}}")
                                .response(TestBodies.nsg(List.of(subnetId), List.of()));
                    };
            ops.add(op.by(who).at(jitter(t)));
            t = t.plusSeconds(600 + random.nextInt(1800));
        }
        return ops;
    }

    private List<Op> pipeline(Instant from, Instant to) {
        List<Op> ops = new ArrayList<>();
        Instant t = from.plusSeconds(600 + random.nextInt(600));
        while (t.isBefore(to)) {
            int changes = 8 + random.nextInt(10);
            for (int i = 0; i < changes; i++) {
                Instant at = t.plusSeconds(i * 6L + random.nextInt(5));
                String target =
                        switch (random.nextInt(4)) {
                            case 0 -> Ids.vm(GROUP_APP, "vm-app-" + random.nextInt(8));
                            case 1 -> Ids.storage(GROUP_DATA, "stdata" + random.nextInt(4));
                            case 2 -> Ids.keyVault(GROUP_OPS, "kv-ops");
                            default -> Ids.group(GROUP_APP);
                        };
                ops.add(Op.write(target).by(TestCaller.TERRAFORM).at(at));
            }
            t = t.plusSeconds(2400 + random.nextInt(1800));
        }
        return ops;
    }

    private List<Op> cleanup(Instant from, Instant to) {
        List<Op> ops = new ArrayList<>();
        // old snapshots and unattached disks, one every 3 to 8 minutes: slow, steady, never a burst
        Instant t = from.plusSeconds(120 + random.nextInt(120));
        while (t.isBefore(to)) {
            String target =
                    random.nextBoolean()
                            ? Ids.group(GROUP_OPS) + "/providers/Microsoft.Compute/snapshots/snap-nightly-" + cleanupCounter++
                            : Ids.disk(GROUP_OPS, "disk-orphaned-" + cleanupCounter++);
            Op op = Op.delete(target).by(TestCaller.JANITOR).at(jitter(t));
            ops.add(random.nextBoolean() ? op.phases("Start", "Accept") : op.phases("Start", "Accept", "Success"));
            t = t.plusSeconds(180 + random.nextInt(300));
        }
        return ops;
    }

    private Instant jitter(Instant t) {
        return t.plusMillis(random.nextInt(1000));
    }

    private String vmBody() {
        return "{\"location\":\"westeurope\",\"properties\":{\"hardwareProfile\":{\"vmSize\":\"Standard_D"
                + (2 << random.nextInt(3))
                + "s_v5\"}},\"tags\":{\"costCenter\":\"cc-" + (100 + random.nextInt(5)) + "\"}}";
    }
}

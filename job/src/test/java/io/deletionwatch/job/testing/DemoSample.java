package io.deletionwatch.job.testing;

import static io.deletionwatch.job.testing.Times.minute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes {@code job/samples/activity-log-demo.ndjson}: two hours of ordinary activity (see {@link
 * BenignTraffic}) with one incident for every rule in it, as Event Hubs delivers it (one
 * {@code {"records":[...]}} envelope of one to four records a line). The last incident ends at
 * 11:34; ordinary activity goes on until 12:00, so that the sequence and burst rules fire without
 * waiting for more data. Deterministic: run {@link #main} after changing it, and the test that
 * compares the committed file with this output passes again.
 */
public final class DemoSample {
    public static final Path FILE = Path.of("samples", "activity-log-demo.ndjson");
    private static final long SEED = 20260301L;

    public static final TestCaller DAVE = TestCaller.user("66666666-1111-4222-8333-000000000006", "dave@contoso.com");
    public static final TestCaller EVE = TestCaller.user("77777777-1111-4222-8333-000000000007", "eve@contoso.com");
    public static final TestCaller FRANK = TestCaller.user("88888888-1111-4222-8333-000000000008", "frank@contoso.com");
    public static final TestCaller MALLORY = TestCaller.user("99999999-1111-4222-8333-000000000009", "mallory@contoso.com");
    /** A deployment service principal whose secret leaked. */
    public static final TestCaller CI_DEPLOYER =
            TestCaller.servicePrincipal("aaaaaaaa-1111-4222-8333-00000000000a", "c0ffee00-1234-4abc-9def-00000000c1de");

    public static final String NET = BenignTraffic.GROUP_NET;
    /** nsg-rule-changed: bob opens RDP to the Internet. */
    public static final String OPEN_RDP_RULE = Ids.securityRule(NET, "nsg-api", "allow-rdp-any");
    /** nsg-deleted: carol deletes an NSG nothing used any more. */
    public static final String LEGACY_NSG = Ids.nsg(NET, "nsg-legacy");
    /** nsg-disassociated-then-deleted: dave takes the NSG off the payments subnet, then deletes it. */
    public static final String PAYMENTS_NSG = Ids.nsg("rg-payments", "nsg-payments");
    public static final String PAYMENTS_SUBNET = Ids.subnet("rg-payments", "vnet-payments", "payments");
    /** nsg-forced-deletion: eve's delete is refused, she detaches the NSG, then deletes it. */
    public static final String DB_NSG = Ids.nsg("rg-db", "nsg-db");
    public static final String DB_SUBNET = Ids.subnet("rg-db", "vnet-db", "db");
    public static final String DB_NIC = Ids.nic("rg-db", "sqlvm-1-nic");
    /** logging-disabled: frank deletes a flow log. */
    public static final String FLOW_LOG = Ids.flowLog("NetworkWatcherRG", "NetworkWatcher_westeurope", "nsg-db-flowlog");
    /** logging-disabled-then-deletion: mallory switches the Activity Log export off, then deletes the backups. */
    public static final String ACTIVITY_EXPORT = Ids.subscriptionDiagnosticSetting("activity-log-to-sentinel");
    public static final String BACKUP_STORAGE = Ids.storage("rg-backup", "stbackupprod");
    /** mass-deletion: the leaked deployer deletes 14 resources of rg-shop in five minutes. */
    public static final String SHOP = "rg-shop";
    public static final int SHOP_DELETIONS = 14;

    private DemoSample() {}

    public static void main(String[] args) throws IOException {
        // from the project root or from job/
        Path target =
                args.length > 0
                        ? Path.of(args[0])
                        : Files.isDirectory(Path.of("job", "src")) ? Path.of("job").resolve(FILE) : FILE;
        Files.createDirectories(target.getParent());
        Files.writeString(target, ndjson(), StandardCharsets.UTF_8);
        System.out.println("wrote " + target);
    }

    /** The whole file. */
    public static String ndjson() {
        BenignTraffic traffic = new BenignTraffic(SEED);
        List<Op> ops = new ArrayList<>(traffic.between(minute(0), minute(120)));
        ops.addAll(incidents());
        List<ActivityRecords> rows = traffic.rows(ops);
        Random random = new Random(SEED);
        ObjectMapper mapper = new ObjectMapper();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows.size(); ) {
            int size = Math.min(rows.size() - i, 1 + random.nextInt(4));
            ObjectNode envelope = mapper.createObjectNode();
            ArrayNode records = envelope.putArray("records");
            for (int j = 0; j < size; j++) {
                records.add(rows.get(i + j).json());
            }
            out.append(envelope).append('\n');
            i += size;
        }
        return out.toString();
    }

    static List<Op> incidents() {
        return incidents(Duration.ZERO);
    }

    /**
     * The incidents, {@code shift} later: the same resources and callers, other correlation ids,
     * so other finding ids. Shifted by two hours or more, no window reaches the previous copy.
     */
    public static List<Op> incidents(Duration shift) {
        List<Op> ops = new ArrayList<>();
        // 10:01-10:03 the pipeline writes the three NSGs that will be deleted, with their rules:
        // what the deletion findings' restore templates put back
        ops.add(Op.write(LEGACY_NSG).by(TestCaller.TERRAFORM).at(minute(1, 4).plus(shift))
                .response(NsgBodiesForRestore.nsg("westeurope", Map.of("owner", "netops"),
                        List.of(new NsgBodiesForRestore.Rule("allow-http", 100, "Inbound", "Allow", "Tcp", "Internet", "80", "legacy web")),
                        List.of(), List.of())));
        ops.add(Op.write(PAYMENTS_NSG).by(TestCaller.TERRAFORM).at(minute(2, 9).plus(shift))
                .response(NsgBodiesForRestore.nsg("westeurope", Map.of("owner", "payments", "env", "prod"),
                        List.of(new NsgBodiesForRestore.Rule("allow-https", 100, "Inbound", "Allow", "Tcp", "Internet", "443", "card checkout"),
                                new NsgBodiesForRestore.Rule("allow-app-from-vnet", 110, "Inbound", "Allow", "Tcp", "VirtualNetwork", "8443", null),
                                new NsgBodiesForRestore.Rule("deny-all-inbound", 4000, "Inbound", "Deny", "*", "*", "*", "PCI: nothing else")),
                        List.of(), List.of())));
        ops.add(Op.write(DB_NSG).by(TestCaller.TERRAFORM).at(minute(3, 15).plus(shift))
                .response(NsgBodiesForRestore.nsg("westeurope", Map.of("owner", "dba"),
                        List.of(new NsgBodiesForRestore.Rule("allow-sql-from-app", 100, "Inbound", "Allow", "Tcp", "10.20.0.0/16", "1433", null),
                                new NsgBodiesForRestore.Rule("allow-bastion-ssh", 110, "Inbound", "Allow", "Tcp", "10.0.0.0/24", "22", "bastion only")),
                        List.of(DB_SUBNET), List.of(DB_NIC))));
        // 10:05 the payments subnet gets its NSG (the pipeline), 10:20 bob opens RDP to the world
        ops.add(Op.write(PAYMENTS_SUBNET).by(TestCaller.TERRAFORM).at(minute(5, 12).plus(shift))
                .request(TestBodies.subnet("payments", PAYMENTS_NSG))
                .response(TestBodies.subnet("payments", PAYMENTS_NSG)));
        ops.add(Op.write(OPEN_RDP_RULE).by(TestCaller.BOB).at(minute(20, 41).plus(shift)).created()
                .request(TestBodies.securityRule("Allow", "Inbound", "Tcp", "*", "3389", 110)));
        // 10:25 carol removes an NSG nothing used any more
        ops.add(Op.delete(LEGACY_NSG).by(TestCaller.CAROL).at(minute(25, 3).plus(shift)).phases("Start", "Accept"));
        // 10:30 dave takes the NSG off the payments subnet, 10:42 deletes it
        ops.add(Op.write(PAYMENTS_SUBNET).by(DAVE).at(minute(30, 17).plus(shift))
                .request(TestBodies.subnet("payments", null)));
        ops.add(Op.delete(PAYMENTS_NSG).by(DAVE).at(minute(42, 55).plus(shift)).phases("Start", "Accept", "Success"));
        // 10:50 eve's delete is refused; she detaches the NSG from the subnet and the VM's NIC; deletes it
        ops.add(Op.delete(DB_NSG).by(EVE).at(minute(50, 2).plus(shift))
                .failing(TestBodies.nsgInUse(DB_NSG, DB_SUBNET, Ids.ipConfiguration("rg-db", "sqlvm-1-nic", "ipconfig1"))));
        ops.add(Op.write(DB_SUBNET).by(EVE).at(minute(53, 30).plus(shift)).request(TestBodies.subnet("db", null)));
        ops.add(Op.write(DB_NIC).by(EVE).at(minute(55, 10).plus(shift)).request(TestBodies.nic(DB_SUBNET, null)));
        ops.add(Op.delete(DB_NSG).by(EVE).at(minute(57, 44).plus(shift)).phases("Start", "Accept"));
        // 11:05 the leaked deployer deletes rg-shop's resources one by one
        String[] kinds = {"vm", "disk", "storage", "vault"};
        for (int i = 0; i < SHOP_DELETIONS; i++) {
            String id =
                    switch (kinds[i % kinds.length]) {
                        case "vm" -> Ids.vm(SHOP, "vm-shop-" + i);
                        case "disk" -> Ids.disk(SHOP, "vm-shop-" + (i - 1) + "-osdisk");
                        case "storage" -> Ids.storage(SHOP, "stshop" + i);
                        default -> Ids.keyVault(SHOP, "kv-shop-" + i);
                    };
            ops.add(Op.delete(id).by(CI_DEPLOYER).at(minute(65, 7 + 21 * i).plus(shift)).phases("Start", "Accept", "Success"));
        }
        // 11:15 frank deletes a flow log
        ops.add(Op.delete(FLOW_LOG).by(FRANK).at(minute(75, 20).plus(shift)));
        // 11:20 mallory switches the Activity Log export off; 11:34 she deletes the backups
        ops.add(Op.delete(ACTIVITY_EXPORT).by(MALLORY).at(minute(80, 9).plus(shift)));
        ops.add(Op.delete(BACKUP_STORAGE).by(MALLORY).at(minute(94, 31).plus(shift)).phases("Start", "Accept"));
        return ops;
    }
}

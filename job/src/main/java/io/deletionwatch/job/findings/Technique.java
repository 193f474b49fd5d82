package io.deletionwatch.job.findings;

/** A MITRE ATT&CK (sub-)technique with its tactic. */
public record Technique(
        String tacticId,
        String tacticName,
        String techniqueId,
        String techniqueName,
        String subtechniqueId,
        String subtechniqueName)
        implements java.io.Serializable {

    public static final Technique CLOUD_FIREWALL =
            new Technique(
                    "TA0005",
                    "Defense Evasion",
                    "T1562",
                    "Impair Defenses",
                    "T1562.007",
                    "Disable or Modify Cloud Firewall");
    public static final Technique CLOUD_LOGS =
            new Technique(
                    "TA0005",
                    "Defense Evasion",
                    "T1562",
                    "Impair Defenses",
                    "T1562.008",
                    "Disable or Modify Cloud Logs");
    public static final Technique DATA_DESTRUCTION =
            new Technique("TA0040", "Impact", "T1485", "Data Destruction", null, null);

    /** The most specific id: the sub-technique when there is one. */
    public String id() {
        return subtechniqueId != null ? subtechniqueId : techniqueId;
    }

    static String reference(String id) {
        return id.startsWith("TA")
                ? "https://attack.mitre.org/tactics/" + id + "/"
                : "https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/";
    }
}

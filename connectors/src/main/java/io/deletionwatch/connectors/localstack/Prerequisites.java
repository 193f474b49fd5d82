package io.deletionwatch.connectors.localstack;

import java.io.IOException;

/**
 * What the tests need beside JDK 17 and Maven, checked once before the first test runs so that a
 * missing prerequisite is one line, not hundreds of failing tests: a JDK 21+ for the local
 * Elasticsearch node. The build runs it (connectors' {@code process-test-classes} phase).
 */
public final class Prerequisites {
    private Prerequisites() {}

    public static void main(String[] args) {
        try {
            ModernJdk.find(ElasticsearchNode.MINIMUM_JAVA);
        } catch (IOException e) {
            System.err.println(
                    "deletion-watch tests need a JDK 21+ for the Elasticsearch node: "
                            + e.getMessage());
            System.exit(2);
        }
    }
}

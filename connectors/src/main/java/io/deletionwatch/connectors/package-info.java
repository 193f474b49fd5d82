/** Event Hubs (Kafka endpoint) source, Elasticsearch sink and the embedded local stack. */
package io.deletionwatch.connectors;

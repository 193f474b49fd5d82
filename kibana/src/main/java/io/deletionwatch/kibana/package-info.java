/**
 * Kibana and Elasticsearch assets for deletion-watch findings: saved objects, alert rules, Elastic
 * Security detection rules, and the {@code setup} command that installs them.
 */
package io.deletionwatch.kibana;

package io.deletionwatch.job.pipeline;

import io.deletionwatch.connectors.source.KafkaRecord;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.io.ActivityLogFileFormat;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParseFunction;
import io.deletionwatch.job.parsing.ParsedRecord;

import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The ways records enter the pipeline, each ending in parsed records with event time. */
public final class Inputs {
    private Inputs() {}

    /**
     * Event time from each event's {@code time}, tolerating the configured out-of-orderness; quiet
     * partitions go idle so they do not hold everyone's watermark back.
     */
    public static WatermarkStrategy<ParsedRecord> watermarks(DetectionConfig config) {
        return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(config.outOfOrderness())
                .withIdleness(config.idleness())
                .withTimestampAssigner((record, previous) -> record.timestamp());
    }

    /** Raw records from anywhere but Kafka (files, tests): parsed by an operator, then timed. */
    public static DataStream<ParsedRecord> parse(
            DataStream<KafkaRecord> records, DetectionConfig config) {
        return records.flatMap(new ParseFunction(new ActivityLogParser(config.maxRecordBytes())))
                .uid("parse-activity-log")
                .name("Parse Activity Log")
                .assignTimestampsAndWatermarks(watermarks(config))
                .uid("event-time")
                .name("Event time and watermarks");
    }

    /** Activity Log files (one document each, or NDJSON), read once. */
    public static DataStream<ParsedRecord> files(
            StreamExecutionEnvironment env, List<java.nio.file.Path> files, DetectionConfig config) {
        DataStream<KafkaRecord> raw = null;
        for (java.nio.file.Path file : files) {
            FileSource<KafkaRecord> source =
                    FileSource.forRecordStreamFormat(
                                    new ActivityLogFileFormat(file.toString()),
                                    Path.fromLocalFile(file.toAbsolutePath().toFile()))
                            .build();
            DataStream<KafkaRecord> one =
                    env.fromSource(source, WatermarkStrategy.noWatermarks(), "File " + file.getFileName())
                            .uid("file-" + file.toAbsolutePath())
                            .name("Activity Log file " + file.getFileName());
            raw = raw == null ? one : raw.union(one);
        }
        if (raw == null) {
            throw new IllegalArgumentException("no input file");
        }
        return parse(raw, config);
    }
}

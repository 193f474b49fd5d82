package io.deletionwatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.job.parsing.ParsedRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FirstRecordClockTest {
    private static final String RUN = "first-record-clock-test";

    /** Makes a record of its own for each, and remembers what it made. */
    private static final class StubParser implements KafkaRecordDeserializationSchema<ParsedRecord> {
        final List<ParsedRecord> made = new ArrayList<>();

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
            ParsedRecord parsed = new ParsedRecord(null, null);
            made.add(parsed);
            out.collect(parsed);
        }

        @Override
        public TypeInformation<ParsedRecord> getProducedType() {
            return TypeInformation.of(ParsedRecord.class);
        }
    }

    @AfterEach
    void forget() {
        FirstRecordClock.forget(RUN);
    }

    @Test
    void notesWhenTheFirstRecordReachesTheParserAndParsesEveryRecord() throws Exception {
        StubParser parser = new StubParser();
        FirstRecordClock clock = FirstRecordClock.around(RUN, parser);
        clock.open(null);
        assertThatThrownBy(() -> FirstRecordClock.firstRecordMillis(RUN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the run " + RUN + " parsed no record");

        List<ParsedRecord> parsed = new ArrayList<>();
        Collector<ParsedRecord> out = new ListCollector<>(parsed);
        long before = System.currentTimeMillis();
        clock.deserialize(new ConsumerRecord<>("t", 0, 7L, null, new byte[0]), out);
        long after = System.currentTimeMillis();
        clock.deserialize(new ConsumerRecord<>("t", 0, 8L, null, new byte[0]), out);

        assertThat(parser.made).hasSize(2);
        assertThat(parsed).containsExactlyElementsOf(parser.made);
        assertThat(FirstRecordClock.firstRecordMillis(RUN)).isBetween(before, after);
    }

    @Test
    void travelsToTheReadersAsFlinkShipsItAndStillFindsItsRun() throws Exception {
        FirstRecordClock shipped =
                org.apache.flink.util.InstantiationUtil.clone(FirstRecordClock.around(RUN, new StubParser()));
        shipped.open(null);
        long before = System.currentTimeMillis();
        shipped.deserialize(new ConsumerRecord<>("t", 1, 0L, null, new byte[0]), new ListCollector<>(new ArrayList<>()));
        assertThat(FirstRecordClock.firstRecordMillis(RUN)).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void aRunNameIsOneRunsUntilForgotten() {
        FirstRecordClock.around(RUN, new StubParser());
        assertThatThrownBy(() -> FirstRecordClock.around(RUN, new StubParser()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a run named " + RUN + " has a clock already");
        FirstRecordClock.forget(RUN);
        FirstRecordClock.around(RUN, new StubParser());
    }
}

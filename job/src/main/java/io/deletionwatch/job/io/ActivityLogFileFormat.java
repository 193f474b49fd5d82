package io.deletionwatch.job.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.deletionwatch.connectors.source.KafkaRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an Activity Log file as Kafka-like records for {@code detect}: either one JSON document
 * (an envelope, a record or an array, possibly pretty-printed over many lines) or NDJSON lines,
 * each an envelope or a record. A file is NDJSON when its first non-blank line is a complete JSON
 * value by itself. Each record's topic is the file's path and its offset the line number (0 for a
 * whole-file document), so dead letters say where they came from.
 */
public final class ActivityLogFileFormat extends SimpleStreamFormat<KafkaRecord> {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final String name;

    /** @param name what dead letters name as their source (the file path) */
    public ActivityLogFileFormat(String name) {
        this.name = name;
    }

    @Override
    public Reader<KafkaRecord> createReader(Configuration config, FSDataInputStream stream) {
        return new FileReader(name, new BufferedInputStream(stream, 1 << 16));
    }

    /**
     * Reads a whole file outside Flink, e.g. for {@code replay}: the same records, in the same
     * order, that {@code detect} reads from it.
     */
    public static List<KafkaRecord> readAll(Path file) throws IOException {
        try (FileReader reader =
                new FileReader(file.toString(), new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            List<KafkaRecord> records = new ArrayList<>();
            for (KafkaRecord record = reader.read(); record != null; record = reader.read()) {
                records.add(record);
            }
            return records;
        }
    }

    @Override
    public TypeInformation<KafkaRecord> getProducedType() {
        return TypeInformation.of(KafkaRecord.class);
    }

    private static final class FileReader implements Reader<KafkaRecord> {
        private final String name;
        private final InputStream in;
        private long lineNumber;
        private Boolean ndjson;

        FileReader(String name, InputStream in) {
            this.name = name;
            this.in = in;
        }

        @Override
        public KafkaRecord read() throws IOException {
            if (ndjson == null) {
                byte[] first = nextNonBlankLine();
                if (first == null) {
                    ndjson = true;
                    return null;
                }
                ndjson = isCompleteJsonValue(first);
                if (!ndjson) {
                    ByteArrayOutputStream document = new ByteArrayOutputStream();
                    document.write(first);
                    document.write('\n');
                    in.transferTo(document);
                    return new KafkaRecord(name, 0, 0, 0, document.toByteArray());
                }
                return new KafkaRecord(name, 0, lineNumber, 0, first);
            }
            if (!ndjson) {
                return null;
            }
            byte[] line = nextNonBlankLine();
            return line == null ? null : new KafkaRecord(name, 0, lineNumber, 0, line);
        }

        private byte[] nextNonBlankLine() throws IOException {
            while (true) {
                byte[] line = readLine();
                if (line == null) {
                    return null;
                }
                if (!isBlank(line)) {
                    return line;
                }
            }
        }

        private byte[] readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            int b;
            boolean any = false;
            while ((b = in.read()) != -1) {
                any = true;
                if (b == '\n') {
                    break;
                }
                line.write(b);
            }
            if (!any) {
                return null;
            }
            lineNumber++;
            byte[] bytes = line.toByteArray();
            if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                bytes = Arrays.copyOf(bytes, bytes.length - 1);
            }
            return bytes;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes hold exactly one complete JSON value (and nothing after it). */
    static boolean isCompleteJsonValue(byte[] line) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            // An invalid first line could be one bad NDJSON line or the start of a bad document;
            // a lone "{" or "[" is the start of a pretty-printed one.
            String text = new String(line, java.nio.charset.StandardCharsets.UTF_8).strip();
            return !(text.equals("{") || text.equals("[") || text.endsWith("[") || text.endsWith("{") || text.endsWith(","));
        }
    }

}

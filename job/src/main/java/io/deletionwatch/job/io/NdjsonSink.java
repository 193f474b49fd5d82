package io.deletionwatch.job.io;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes one JSON document per line to a local file or to standard output, for {@code detect}.
 * Run it with parallelism 1: the writers of several subtasks would overwrite one another's file.
 */
public final class NdjsonSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Turns an element into its JSON line, without the newline. */
    @FunctionalInterface
    public interface LineConverter<T> extends Serializable {
        byte[] toJson(T element);
    }

    public static final String STDOUT = "-";

    private final String path;
    private final LineConverter<T> converter;

    /** @param path a file path, or {@link #STDOUT} */
    public NdjsonSink(String path, LineConverter<T> converter) {
        this.path = path;
        this.converter = converter;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        OutputStream out =
                STDOUT.equals(path)
                        ? new NonClosingStream(System.out)
                        : new FileOutputStream(path, false);
        return new Writer<>(new BufferedOutputStream(out, 1 << 16), converter, STDOUT.equals(path));
    }

    private static final class Writer<T> implements SinkWriter<T> {
        private final OutputStream out;
        private final LineConverter<T> converter;
        private final boolean flushEachLine;

        Writer(OutputStream out, LineConverter<T> converter, boolean flushEachLine) {
            this.out = out;
            this.converter = converter;
            this.flushEachLine = flushEachLine;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            out.write(converter.toJson(element));
            out.write('\n');
            if (flushEachLine) {
                out.flush(); // a person may be watching findings arrive
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static final class NonClosingStream extends java.io.FilterOutputStream {
        NonClosingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

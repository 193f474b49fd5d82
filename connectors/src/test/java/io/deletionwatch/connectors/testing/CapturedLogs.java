package io.deletionwatch.connectors.testing;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything logged at INFO or above, with stack traces, while it is open. */
public final class CapturedLogs implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context;
    private final AbstractAppender appender;

    public CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        appender =
                new AbstractAppender(
                        "captured-" + IDS.incrementAndGet(),
                        null,
                        null,
                        true,
                        Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        StringBuilder line =
                                new StringBuilder(event.getLoggerName())
                                        .append(' ')
                                        .append(event.getMessage().getFormattedMessage());
                        if (event.getThrown() != null) {
                            StringWriter trace = new StringWriter();
                            event.getThrown().printStackTrace(new PrintWriter(trace));
                            line.append('\n').append(trace);
                        }
                        lines.add(line.toString());
                    }
                };
        appender.start();
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.addAppender(appender, Level.INFO, null);
        context.updateLoggers();
    }

    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}

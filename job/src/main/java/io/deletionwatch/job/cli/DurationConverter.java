package io.deletionwatch.job.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 90s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT5M}). */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - (v.endsWith("ms") ? 2 : 1)));
            if (v.endsWith("ms")) {
                return Duration.ofMillis(amount);
            }
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration; write e.g. 30s, 5m, 1h, 2d or PT5M");
        }
    }
}

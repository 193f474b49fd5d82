package io.deletionwatch.job.bench;

import java.util.List;
import java.util.Locale;

/** Two bar charts as SVG text: throughput per stage and latency percentiles. */
final class SvgChart {
    private record Bar(String label, double value, String color) {}

    private SvgChart() {}

    static String of(BenchReport r) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"400\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"960\" height=\"400\" fill=\"white\"/>\n");
        chart(svg, 20, "Throughput per stage (records/s)", List.of(
                new Bar("parse 1 thread", r.parse1t(), "#9e9e9e"),
                new Bar("parse 2 threads", r.parse2t(), "#616161"),
                new Bar("pipeline", r.pipeline(), "#1976d2"),
                new Bar("Kafka alone", r.kafkaSourceAlone(), "#a5d6a7"),
                new Bar("Kafka to ES", r.endToEnd(), "#388e3c"),
                new Bar("AMQP to ES", r.endToEndAmqp(), "#2e7d32")), Double.NaN);
        chart(svg, 500, String.format(Locale.ROOT, "Alert latency at %.0f records/s (ms)", r.latencyRate()), List.of(
                new Bar("single p50", r.single().p50(), "#90caf9"),
                new Bar("single p99", r.single().p99(), "#1976d2"),
                new Bar("single max", r.single().max(), "#0d47a1"),
                new Bar("sequence p50", r.sequence().p50(), "#ffcc80"),
                new Bar("sequence p99", r.sequence().p99(), "#f57c00"),
                new Bar("sequence max", r.sequence().max(), "#e65100")), r.outOfOrdernessMillis());
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"392\" fill=\"#555\">deletion-watch bench (%s), %s</text>\n",
                escape(r.mode()), escape(r.machine())));
        return svg.append("</svg>\n").toString();
    }

    /** Bars in a 440 x 300 box; {@code marker} draws a dashed line at that value (the allowance). */
    private static void chart(StringBuilder svg, int left, String title, List<Bar> bars, double marker) {
        int top = 50;
        int height = 280;
        double max = bars.stream().mapToDouble(b -> Double.isNaN(b.value()) ? 0 : b.value()).max().orElse(1);
        if (!Double.isNaN(marker)) {
            max = Math.max(max, marker + 1000);
        }
        max = max <= 0 ? 1 : max * 1.1;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"30\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", left, escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, top + height, left + 440, top + height));
        int width = 440 / bars.size();
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double value = Double.isNaN(bar.value()) ? 0 : bar.value();
            double h = height * value / max;
            int x = left + i * width + 6;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>\n",
                    x, top + height - h, width - 12, h, bar.color()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    x + (width - 12) / 2, top + height - h - 4, Double.isNaN(bar.value()) ? "n/a" : String.format(Locale.ROOT, "%,.0f", bar.value())));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x + (width - 12) / 2, top + height + 16, escape(bar.label())));
        }
        if (!Double.isNaN(marker)) {
            for (double line : new double[] {1000, marker + 1000}) {
                double y = top + height - height * line / max;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>\n",
                        left, y, left + 440, y));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#c62828\" text-anchor=\"end\">%s</text>\n",
                        left + 440, y - 3, line == 1000 ? "single target 1000 ms" : "sequence target " + (long) line + " ms"));
            }
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

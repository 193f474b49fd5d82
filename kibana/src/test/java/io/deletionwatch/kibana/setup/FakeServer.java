package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small HTTP endpoint on 127.0.0.1 standing in for Elasticsearch's or Kibana's REST API: it
 * records every request and answers with a handler the test gives.
 */
final class FakeServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request as received; header names in lower case. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean is(String method, String path) {
            return this.method.equals(method) && this.path.equals(path);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The content of the multipart file field, as Kibana's import APIs read it. */
        String multipartFile() {
            String contentType = header("content-type");
            String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
            String text = text();
            int start = text.indexOf("\r\n\r\n", text.indexOf("--" + boundary)) + 4;
            int end = text.indexOf("\r\n--" + boundary + "--", start);
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    record Reply(int status, String body) {
        static Reply json(int status, String body) {
            return new Reply(status, body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Reply> handler = r -> new Reply(500, "{\"error\":\"no handler\"}");

    FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.start();
    }

    FakeServer handler(Function<Request, Reply> handler) {
        this.handler = handler;
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).toList();
    }

    void clear() {
        requests.clear();
    }

    private void serve(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Request request = new Request(exchange.getRequestMethod(), path, headers, body);
        requests.add(request);
        Reply reply;
        try {
            reply = handler.apply(request);
        } catch (RuntimeException e) {
            reply = new Reply(500, "{\"error\":\"fake failed: " + e + "\"}");
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

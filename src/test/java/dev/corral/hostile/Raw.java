package dev.corral.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte: for the requests that HTTP clients refuse to
 * send (a NUL in a header, an empty {@code Accept}, a {@code *} target, bad percent-encoding,
 * control bytes in the path, a chunked body of any size). One connection per request
 * ({@code Connection: close}); the answer is read until the server closes or its length is complete.
 */
final class Raw {

    /** An answer; {@code status} is -1 when the server closed without one, -2 when it did not answer in time. */
    record Response(int status, Map<String, String> headers, byte[] body, String problem) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean isJson() {
            String type = header("content-type");
            return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
        }

        /** A JSON object with a textual "error" field. */
        boolean isJsonError() {
            if (!isJson()) {
                return false;
            }
            try {
                var tree = dev.corral.spec.Json.MAPPER.readTree(body);
                return tree != null && tree.isObject() && tree.path("error").isTextual();
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** One line for failure messages. */
        String summary() {
            if (status < 0) {
                return problem;
            }
            String t = text().replaceAll("\\s+", " ");
            return status + " " + header("content-type") + " " + (t.length() > 160 ? t.substring(0, 160) + "…" : t);
        }
    }

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Raw() {
    }

    /**
     * A request: the request line, Host and Connection: close, the given header lines, and Content-Length for a
     * body (or, with a {@code Transfer-Encoding} that says chunked, the body in chunks).
     */
    static byte[] request(String method, String target, int port, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers == null || headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Host"))) {
            head.append("Host: localhost:").append(port).append("\r\n");
        }
        head.append("Connection: close\r\n");
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                head.append(h.getKey()).append(':');
                if (!h.getValue().isEmpty()) {
                    head.append(' ').append(h.getValue());
                }
                head.append("\r\n");
            }
        }
        String te = headers == null ? null : headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        boolean chunkIt = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        if (body != null && !chunkIt) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (body != null && chunkIt) {
            // A Transfer-Encoding: chunked request gets its body in chunks (small ones, or 64 KiB for a big body).
            body = chunked(body, body.length > 1024 * 1024 ? 64 * 1024 : 7);
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // ISO-8859-1: each char of the head is one byte, so tests can put any byte (NUL, controls) in it.
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** A body in chunks of {@code chunk} bytes, with the closing zero chunk. */
    static byte[] chunked(byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / chunk * 12 + 16);
        for (int i = 0; i < body.length; i += chunk) {
            int n = Math.min(chunk, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static Response send(int port, String method, String target, Map<String, String> headers, byte[] body) {
        return exchange(port, request(method, target, port, headers, body), DEFAULT_TIMEOUT);
    }

    static Response get(int port, String target, String... headerPairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            h.put(headerPairs[i], headerPairs[i + 1]);
        }
        return send(port, "GET", target, h, null);
    }

    /** Sends the bytes and reads the answer; a server that answers early (413, 431) and closes is fine. */
    static Response exchange(int port, byte[] request, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Math.min(timeout.toMillis(), 5000));
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                for (int i = 0; i < request.length; i += 64 * 1024) {
                    out.write(request, i, Math.min(64 * 1024, request.length - i));
                }
                out.flush();
            } catch (IOException e) {
                // The server may answer before reading the whole request (413 on a huge body): read what it said.
            }
            return read(s.getInputStream(), deadline);
        } catch (SocketTimeoutException e) {
            return new Response(-2, Map.of(), new byte[0], "no answer within " + timeout.toSeconds() + " s (a hang)");
        } catch (IOException e) {
            return new Response(-1, Map.of(), new byte[0], "connection failed or closed without an answer: " + e);
        }
    }

    private static Response read(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int headEnd = -1;
        long contentLength = -1;
        boolean chunked = false;
        Map<String, String> headers = new LinkedHashMap<>();
        int status = -1;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("deadline");
            }
            int n;
            try {
                n = in.read(buf);
            } catch (java.net.SocketException e) {
                n = -1; // reset after the answer: keep what came
            }
            if (n < 0) {
                break;
            }
            all.write(buf, 0, n);
            if (headEnd < 0) {
                byte[] sofar = all.toByteArray();
                headEnd = indexOf(sofar, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (headEnd >= 0) {
                    String head = new String(sofar, 0, headEnd, StandardCharsets.ISO_8859_1);
                    String[] lines = head.split("\r\n");
                    String[] statusLine = lines[0].split(" ", 3);
                    status = Integer.parseInt(statusLine[1]);
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        if (colon > 0) {
                            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                    lines[i].substring(colon + 1).trim());
                        }
                    }
                    String cl = headers.get("content-length");
                    contentLength = cl == null ? -1 : Long.parseLong(cl);
                    chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                }
            }
            if (headEnd >= 0 && contentLength >= 0 && all.size() - headEnd - 4 >= contentLength) {
                break;
            }
            if (headEnd >= 0 && chunked && n >= 5 && endsWith(java.util.Arrays.copyOf(buf, n),
                    "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))) {
                break;
            }
        }
        byte[] bytes = all.toByteArray();
        if (headEnd < 0) {
            return new Response(-1, Map.of(), bytes, "closed without an HTTP answer ("
                    + bytes.length + " bytes: " + new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("\\s+", " ") + ")");
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
        if (contentLength >= 0 && body.length > contentLength) {
            body = java.util.Arrays.copyOf(body, (int) contentLength);
        }
        if (chunked) {
            body = dechunk(body);
        }
        return new Response(status, headers, body, null);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int eol = indexOf(java.util.Arrays.copyOfRange(b, i, b.length), new byte[]{'\r', '\n'});
            if (eol < 0) {
                break;
            }
            String size = new String(b, i, eol, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
            i += eol + 2;
            if (n == 0) {
                break;
            }
            out.write(b, i, Math.min(n, b.length - i));
            i += n + 2;
        }
        return out.toByteArray();
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        if (a.length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (a[a.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte[] needle) {
        outer:
        for (int i = 0; i <= a.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

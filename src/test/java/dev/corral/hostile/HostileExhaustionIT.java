package dev.corral.hostile;

import dev.corral.support.CorralProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finding 3, worker exhaustion, against the packaged application (a process of its own, killed
 * at the end: on the unfixed code its request threads stay blocked for minutes). With the
 * reconcile loop off a posted run stays Pending, so {@code GET /runs/{name}/logs?follow=true}
 * waits for it: 230 such streams, and 230 {@code POST /execute} with {@code timeout: 65535},
 * must not take the API or health down; a stream ends when its client goes away; one client's
 * streams are capped (429 past the cap).
 */
class HostileExhaustionIT {

    static final int STREAMS = 230;
    static final Duration ANSWER = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void finding03_streamsAndWaitsDoNotExhaustTheServer() throws Exception {
        CorralProcess corral = CorralProcess.start(tmp.resolve("data"), "-Dcorral.reconcile.enabled=false");
        Checks c = new Checks("finding 3 (worker exhaustion)");
        List<Socket> sockets = new ArrayList<>();
        try {
            int port = corral.port();
            Raw.Response run = Raw.send(port, "POST", "/runs", Map.of("Content-Type", "application/json"),
                    "{\"language\":\"bash\",\"code\":\"echo\"}".getBytes(StandardCharsets.UTF_8));
            c.expect(run.status() == 201, "set-up: a run is posted (it stays Pending)", run.summary());
            String name = HostileFindingsTest.jsonAt(run, "/metadata/name");
            String follow = "GET /runs/" + name + "/logs?follow=true HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nAccept: text/event-stream\r\n\r\n";
            for (int i = 0; i < STREAMS; i++) {
                sockets.add(open(port, follow));
            }
            answersWhileBusy(c, port, STREAMS + " open follow streams");
            Map<String, Integer> statuses = statusLines(sockets);
            c.expect(statuses.keySet().stream().allMatch(s -> s.equals("200") || s.equals("429") || s.equals("none yet")),
                    "each follow stream is a 200 (event stream) or a 429", statuses);
            c.expect(statuses.getOrDefault("429", 0) > 0, STREAMS + " follow streams from one client: those past the per-client cap get 429",
                    statuses);
            for (Socket s : sockets) {
                s.close();
            }
            sockets.clear();
            // The client went away: its streams end and their capacity is free again (a new stream is not
            // refused; it may not have answered yet, since its run has no output).
            String[] last = {null};
            boolean freed = HostileFindingsTest.awaitQuietly(Duration.ofSeconds(15), () -> {
                try (Socket s = open(port, follow)) {
                    last[0] = statusLine(s, Duration.ofSeconds(2));
                    return last[0] == null || "200".equals(last[0]);
                }
            });
            c.expect(freed, "after the clients closed their sockets a new follow stream is accepted again within 15 s",
                    "still " + last[0]);
            answersWhileBusy(c, port, "after the streams' clients went away");

            // POST /execute with timeout 65535: its wait must hold no request thread either.
            String execute = "{\"language\":\"bash\",\"code\":\"echo\",\"timeout\":65535}";
            String request = "POST /execute HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + execute.length() + "\r\n\r\n" + execute;
            for (int i = 0; i < STREAMS; i++) {
                sockets.add(open(port, request));
            }
            answersWhileBusy(c, port, STREAMS + " waiting POST /execute (timeout 65535)");
            Map<String, Integer> executed = statusLines(sockets);
            c.expect(executed.keySet().stream().allMatch(s -> s.equals("none yet") || s.startsWith("4") || s.equals("200")),
                    "each POST /execute is waiting, a 200 or a 4xx", executed);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            corral.kill();
        }
        c.verify();
    }

    /** The API and health answer in time while the server is busy. */
    private static void answersWhileBusy(Checks c, int port, String while_) {
        for (String path : List.of("/q/health/ready", "/q/health/live", "/specs", "/pools", "/sources")) {
            Raw.Response r = Raw.exchange(port, Raw.request("GET", path, port, Map.of(), null), ANSWER);
            c.expect(r.status() == 200, "GET " + path + " answers 200 within " + ANSWER.toSeconds() + " s (" + while_ + ")", r.summary());
        }
    }

    private static Socket open(int port, String request) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** The status codes the sockets have received so far ("none yet" for those still waiting). */
    private static Map<String, Integer> statusLines(List<Socket> sockets) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (Socket s : sockets) {
            String status = statusLine(s, Duration.ofMillis(20));
            counts.merge(status == null ? "none yet" : status, 1, Integer::sum);
        }
        return counts;
    }

    /** The status code of the answer's first line, or null if none came within the wait. */
    private static String statusLine(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
        } catch (SocketTimeoutException e) {
            if (line.length() == 0) {
                return null;
            }
        } catch (java.net.SocketException e) {
            return "reset";
        }
        String[] parts = line.toString().trim().split(" ");
        return parts.length > 1 ? parts[1] : line.length() == 0 ? "closed" : line.toString();
    }
}

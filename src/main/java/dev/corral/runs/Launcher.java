package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few lines of POSIX sh that every run's container executes around the run's own command
 * (so a run image needs {@code /bin/sh}: the runner images, busybox, Debian, Alpine, Python and
 * Node images all have one). They do three things Docker cannot do from outside without an
 * extra round trip each:
 * <ul>
 * <li>write small input files from its environment, so a cold run needs no archive upload
 * (the biggest cost after the engine's own container start). The environment, not the command
 * line: a process's arguments are readable by every user of the host ({@code /proc/<pid>/cmdline}),
 * its environment only by its own user and root, and parameters may hold secrets;</li>
 * <li>in a warm container, wait idle on stdin until Corral attaches and writes the run's
 * {@link #payload} (its files and environment, as a script), then run it with an empty stdin,
 * as a cold run has — so the run
 * is still the container's own process tree and its logs, exit code, OOM kill, deadline and crash
 * recovery work exactly as for a cold run. Attaching costs a few milliseconds where a
 * {@code docker exec} costs ~60 (the engine spawns no process). For an interpreter slow to start
 * (python), the command is started while the container waits and is given a go ({@link Prestart});</li>
 * <li>after the command exits, read its cgroup (peak memory, CPU time) and count what it left
 * in {@code /workspace/output}, and report that as one last stderr line that Corral strips
 * ({@link #REPORT_MARK}); when nothing was left there, Corral skips the archive download.</li>
 * </ul>
 */
public final class Launcher {

    /** Starts the report line; a record separator no text output begins a line with. */
    public static final String REPORT_MARK = "\u001ecorral-report ";

    /**
     * The launcher's last bytes on stdout, written after the command's: with the report, which
     * follows on stderr, it says the run's output is complete, so a warm run is collected without
     * waiting for its container's exit. Corral strips it, like the report.
     */
    public static final String END_MARK = "\u001ecorral-end\n";

    /** Complete once stdout ends with {@link #END_MARK} and stderr's last line is a report. */
    public static final dev.corral.runtime.OutputEnd OUTPUT_END = (stdoutTail, stderrTail) ->
            stdoutTail.endsWith(END_MARK) && stderrTail.endsWith("\n") && report(lastLine(stderrTail)).present();

    /** The payload's last line: a payload cut short (Corral stopped while writing it) is refused. */
    static final String PAYLOAD_END = ": corral-payload-end";

    /**
     * Asked of a warm container after a restart: exit 1 if it has not taken a payload yet, 2 if its run has
     * reported (it then waits to be removed), else 0 (the launcher leaves a mark at each step).
     */
    public static final List<String> STARTED_PROBE = List.of("sh", "-c",
            "[ -e /tmp/.corral-reported ] && exit 2; [ -e /tmp/.corral-started ]");
    /** {@link #STARTED_PROBE}'s answers that say something: no payload taken yet; the run reported. */
    public static final long PROBE_AWAITING = 1;
    public static final long PROBE_REPORTED = 2;

    /** Per file and in total: environment strings are limited (128 KiB each on Linux). */
    static final int INLINE_FILE_MAX = 96 * 1024;
    static final int INLINE_TOTAL_MAX = 512 * 1024;

    private static final String RESOURCES = """
            res() {
              __c_cpu=; __c_mem=
              if [ -r /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then read -r __c_cpu < /sys/fs/cgroup/cpuacct/cpuacct.usage
              elif [ -r /sys/fs/cgroup/cpu.stat ]; then
                while read -r __c_k __c_v; do [ "$__c_k" = usage_usec ] && __c_cpu=${__c_v}000; done < /sys/fs/cgroup/cpu.stat
              fi
              for __c_f in /sys/fs/cgroup/memory/memory.max_usage_in_bytes /sys/fs/cgroup/memory.peak; do
                if [ -r "$__c_f" ]; then read -r __c_mem < "$__c_f"; break; fi
              done
              __c_oom=
              for __c_f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do
                if [ -r "$__c_f" ]; then
                  while read -r __c_k __c_v; do [ "$__c_k" = oom_kill ] && __c_oom=$__c_v; done < "$__c_f"
                  break
                fi
              done
            }
            """;

    /** Writes the files {@code CORRAL_FILE_<i>} names with the contents {@code CORRAL_DATA_<i>}, and unsets them. */
    /** Writes the inputs; a directory is made only when missing (a Swarm job's workspace is an empty tmpfs). */
    private static final String WRITE_FILES = """
            put() {
              __c_i=0
              while [ "$__c_i" -lt "$1" ]; do
                eval "__c_p=\\${CORRAL_FILE_$__c_i}"
                [ -d "${__c_p%/*}" ] || mkdir -p "${__c_p%/*}" 2>/dev/null
                eval "printf '%s' \\"\\${CORRAL_DATA_$__c_i}\\" > \\"\\$__c_p\\"" \\
                  || { echo "corral: cannot write $__c_p" >&2; exit 125; }
                unset "CORRAL_FILE_$__c_i" "CORRAL_DATA_$__c_i"
                __c_i=$((__c_i + 1))
              done
            }
            """;

    /**
     * The main process of every run container: {@code <mode> <files> command...}. Its variables
     * are prefixed {@code __c_}: the shell sees the container's environment as variables, and a
     * Tool's {@code env} must reach the command as it was given.
     */
    static final String MAIN = (RESOURCES + WRITE_FILES + """
            [ "$PWD" = /workspace ] || cd /workspace 2>/dev/null
            __c_mode=$1; shift
            __c_pid=; __c_linger=
            if [ "$__c_mode" = warm ] || [ "$__c_mode" = prestart ]; then
              shift
              if [ "$__c_mode" = prestart ] && mkfifo %GO% 2>/dev/null; then
                exec 4<>%GO%
                "$@" </dev/null 4<&- &
                __c_pid=$!
              fi
              read -r __c_lines
              __c_payload=$(head -n "$__c_lines")
              : > /tmp/.corral-started
              case $__c_payload in
                *"%END%") ;;
                *) echo "corral: the run's inputs arrived incomplete" >&2; exit 125 ;;
              esac
              eval "$__c_payload"
              unset __c_payload
              exec </dev/null
            else
              put "$1"; shift
            fi
            res; __c_cpu0=$__c_cpu
            if [ -n "$__c_pid" ]; then
              echo go >&4
              wait "$__c_pid"
              __c_code=$?
              exec 4>&-
            else
              "$@"
              __c_code=$?
            fi
            [ -z "$__c_linger" ] || kill -9 -1 2>/dev/null
            res
            [ -n "$__c_cpu" ] && [ -n "$__c_cpu0" ] && __c_cpu=$((__c_cpu - __c_cpu0))
            __c_entries=0
            for __c_f in /workspace/output/* /workspace/output/.[!.]* /workspace/output/..?*; do
              [ -e "$__c_f" ] || [ -L "$__c_f" ] && __c_entries=$((__c_entries + 1))
            done
            printf '\\036corral-end\\n'
            printf '\\036corral-report {"exitCode":%s,"cpuNanos":%s,"memoryPeakBytes":%s,"oomKills":%s,"outputEntries":%s}\\n' \\
              "$__c_code" "${__c_cpu:-null}" "${__c_mem:-null}" "${__c_oom:-null}" "$__c_entries" >&2
            [ "$__c_mode" = run ] || : > /tmp/.corral-reported
            [ -z "$__c_linger" ] || sleep "$__c_linger" 2>/dev/null
            exit "$__c_code"
            """).replace("%END%", PAYLOAD_END).replace("%GO%", Prestart.GO);

    /** Reads the container's cgroup from an exec, for a run about to be killed (it will not report). */
    public static final List<String> RESOURCES_PROBE = List.of("sh", "-c", RESOURCES
            + "res; printf '{\"cpuNanos\":%s,\"memoryPeakBytes\":%s}' \"${__c_cpu:-null}\" \"${__c_mem:-null}\"");

    private Launcher() {
    }

    /** Whether no file has a NUL byte, which no shell string can hold. */
    public static boolean textOnly(Map<String, byte[]> files) {
        for (byte[] b : files.values()) {
            for (byte x : b) {
                if (x == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether these files can travel in the environment (no NUL byte, within the kernel's limits of execve). */
    public static boolean inlinable(Map<String, byte[]> files) {
        long total = 0;
        for (byte[] b : files.values()) {
            if (b.length > INLINE_FILE_MAX) {
                return false;
            }
            total += b.length;
        }
        return total <= INLINE_TOTAL_MAX && textOnly(files);
    }

    /** A cold run's container command and the environment that carries its {@code files} (absolute paths). */
    public record Cold(List<String> command, Map<String, String> env) {
    }

    /** A cold run: write {@code files} (absolute paths), then run {@code command}. */
    public static Cold cold(Map<String, byte[]> files, List<String> command) {
        List<String> args = new ArrayList<>(List.of("sh", "-c", MAIN, "corral", "run", String.valueOf(files.size())));
        args.addAll(command);
        Map<String, String> env = new java.util.TreeMap<>();
        int i = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            env.put("CORRAL_FILE_" + i, f.getKey());
            env.put("CORRAL_DATA_" + i, new String(f.getValue(), StandardCharsets.UTF_8));
            i++;
        }
        return new Cold(args, env);
    }

    /** A warm container's command: wait for its {@link #payload} on stdin, then run {@code command}. */
    public static List<String> warm(List<String> command) {
        List<String> args = new ArrayList<>(List.of("sh", "-c", MAIN, "corral", "warm", "0"));
        args.addAll(command);
        return args;
    }

    /**
     * A warm container whose command is started at once, before its run arrives, and waits for the launcher's
     * go ({@link Prestart}): as {@link #warm}, less the command's own start-up. The run's environment does not
     * reach a command already started, so the payload of such a container carries files only.
     */
    public static List<String> prestarted(List<String> command) {
        List<String> args = new ArrayList<>(List.of("sh", "-c", MAIN, "corral", "prestart", "0"));
        args.addAll(command);
        return args;
    }

    /**
     * What a warm container reads from stdin to become a run: a script that writes the run's
     * files (absolute paths) and exports its environment, every value single-quoted for sh.
     * With {@code lingerSeconds} above 0, the launcher does not exit once it has
     * reported, but waits that long for Corral to remove its container: the engine's work for a container's exit
     * (its task deleted, its mounts and cgroup torn down) then comes with the removal, which waits while other
     * runs are in flight ({@link RemovalHold}), instead of during them. What the command left running is killed
     * first ({@code kill -9 -1}: every process but the container's init and the launcher), as the container's
     * exit killed it, so nothing runs or writes after the report.
     */
    public static byte[] payload(Map<String, byte[]> files, Map<String, String> env, long lingerSeconds) {
        StringBuilder sb = new StringBuilder();
        if (lingerSeconds > 0) {
            sb.append("__c_linger=").append(lingerSeconds).append('\n');
        }
        files.forEach((path, content) -> sb.append("printf '%s' ").append(quote(new String(content, StandardCharsets.UTF_8)))
                .append(" > ").append(quote(path)).append(" || exit 125\n"));
        env.forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not an environment variable name: " + k);
            }
            sb.append("export ").append(k).append('=').append(quote(v)).append('\n');
        });
        sb.append(PAYLOAD_END).append('\n');
        // Its line count first: the launcher reads exactly that much, with no need for stdin to close.
        long lines = sb.chars().filter(c -> c == '\n').count();
        return (lines + "\n" + sb).getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    /** What the launcher reported, and stderr without its report line. */
    public record Report(String stderr, Integer exitCode, Long cpuNanos, Long memoryPeakBytes, Long oomKills,
                         Integer outputEntries) {
        public boolean present() {
            return exitCode != null;
        }

        /** Whether it says all a collector needs (exit code and OOM kills), so the container need not be inspected. */
        public boolean complete() {
            return present() && oomKills != null;
        }
    }

    /** The output of {@link #RESOURCES_PROBE}: {@code status.resources}, or null. */
    public static com.fasterxml.jackson.databind.node.ObjectNode resources(String probeOutput) {
        try {
            JsonNode r = Json.MAPPER.readTree(probeOutput.trim());
            return resources(number(r, "cpuNanos"), number(r, "memoryPeakBytes"));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code status.resources} from the cgroup's figures; null when there are none. */
    public static com.fasterxml.jackson.databind.node.ObjectNode resources(Long cpuNanos, Long memoryPeakBytes) {
        if (cpuNanos == null && memoryPeakBytes == null) {
            return null;
        }
        var res = Json.MAPPER.createObjectNode();
        if (cpuNanos != null) {
            res.put("cpuSeconds", cpuNanos / 1e9);
        }
        if (memoryPeakBytes != null) {
            res.put("memoryPeakBytes", memoryPeakBytes);
        }
        return res;
    }

    /** Splits the report off the end of stderr; an absent or malformed one reports nothing. */
    public static Report report(String stderr) {
        int at = stderr.lastIndexOf(REPORT_MARK);
        if (at < 0) {
            return new Report(stderr, null, null, null, null, null);
        }
        String line = stderr.substring(at + REPORT_MARK.length()).trim();
        if (line.contains("\n")) {
            return new Report(stderr, null, null, null, null, null);
        }
        try {
            JsonNode r = Json.MAPPER.readTree(line);
            return new Report(stderr.substring(0, at), r.path("exitCode").isInt() ? r.get("exitCode").asInt() : null,
                    number(r, "cpuNanos"), number(r, "memoryPeakBytes"), number(r, "oomKills"),
                    r.path("outputEntries").isInt() ? r.get("outputEntries").asInt() : null);
        } catch (java.io.IOException e) {
            return new Report(stderr, null, null, null, null, null);
        }
    }

    /** stdout without the launcher's {@link #END_MARK} (or the start of it, where the cap cut it). */
    public static String withoutEndMark(String stdout) {
        int at = stdout.lastIndexOf('\u001e');
        return at >= 0 && END_MARK.startsWith(stdout.substring(at)) ? stdout.substring(0, at) : stdout;
    }

    /** A chunk or line of a followed log without the launcher's end mark, which ends it if it is there. */
    public static String withoutEndLine(String text) {
        String line = END_MARK.substring(0, END_MARK.length() - 1);
        return text.endsWith(END_MARK) ? text.substring(0, text.length() - END_MARK.length())
                : text.endsWith(line) ? text.substring(0, text.length() - line.length()) : text;
    }

    /** The last line of a stderr tail: where the report is when stderr was cut at its cap. */
    static String lastLine(String tail) {
        String t = tail.endsWith("\n") ? tail.substring(0, tail.length() - 1) : tail;
        return t.substring(t.lastIndexOf('\n') + 1);
    }

    private static Long number(JsonNode r, String field) {
        return r.path(field).isIntegralNumber() ? r.get(field).asLong() : null;
    }
}

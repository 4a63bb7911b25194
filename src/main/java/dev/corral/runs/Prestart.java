package dev.corral.runs;

import java.util.List;

/**
 * An interpreter started ahead of its run, in a warm container ({@link Launcher#prestarted}).
 * A one-line python run spent ~12 of its ~30 ms starting {@code python3} after the container took
 * the run; a container of the pool now starts it while it waits, as Lambda's or E2B's warm sandboxes
 * keep their runtime loaded. Each container still serves one run only, so nothing of one run meets
 * another: what is saved is the interpreter's start, not the container's.
 *
 * <p>The launcher makes a FIFO ({@link #GO}) and starts the command in the background; the command
 * waits on it. Once the run's files are written, the launcher writes a line to it and waits for the
 * command's exit, as it waits for a command it started itself. Without the FIFO (no {@code mkfifo}
 * in the image), the command runs at once, after the payload, as in any warm container.
 */
public final class Prestart {

    /** The launcher's go: a FIFO in the container's /tmp (a tmpfs of its own). */
    static final String GO = "/tmp/.corral-go";

    /**
     * Waits for the go, then runs the script as {@code python3 <script>} does: a fresh {@code __main__} module
     * with {@code __file__} and a source loader, {@code sys.argv = [script]}, the script's directory first on
     * {@code sys.path}, SIGINT and SIGQUIT as python3 has them, exit code 1 and the traceback (without this
     * prelude's frames) on an uncaught exception, {@code SystemExit} as is. What differs: {@code sys.orig_argv}
     * shows the prelude, and {@code inspect.stack()} two frames of it below the script's.
     */
    static final String PYTHON_PRELUDE = """
            import os, sys, types, signal
            from importlib.machinery import SourceFileLoader
            def _corral_run(path):
                # Started in the background by sh, which ignores SIGINT and SIGQUIT in such jobs: as python3 has them.
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGQUIT, signal.SIG_DFL)
                try:
                    fd = os.open('%GO%', os.O_RDONLY)
                except OSError:
                    fd = None
                if fd is not None:
                    go = b''
                    while not go.endswith(b'\\n'):
                        part = os.read(fd, 64)
                        if not part:
                            os._exit(125)
                        go += part
                    os.close(fd)
                with open(path, 'rb') as f:
                    source = f.read()
                sys.argv[:] = [path]
                sys.path[0] = os.path.dirname(path)
                main = types.ModuleType('__main__')
                main.__file__ = path
                main.__loader__ = SourceFileLoader('__main__', path)
                sys.modules['__main__'] = main
                try:
                    exec(compile(source, path, 'exec'), main.__dict__)
                except SystemExit:
                    raise
                except BaseException as e:
                    tb = e.__traceback__
                    while tb is not None and tb.tb_frame.f_code.co_filename == '<string>':
                        tb = tb.tb_next
                    sys.excepthook(type(e), e.with_traceback(tb), tb)
                    # python3 ends on a KeyboardInterrupt by the signal itself: 130 to its shell, as here.
                    sys.exit(130 if isinstance(e, KeyboardInterrupt) else 1)
            _corral_run(sys.argv[1])
            """.replace("%GO%", GO);

    private Prestart() {
    }

    /** {@code python3 <script>}, started ahead and waiting for the go. */
    static List<String> python(String interpreter, String script) {
        return List.of(interpreter, "-c", PYTHON_PRELUDE, script);
    }
}

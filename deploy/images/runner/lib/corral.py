"""Corral's tool-run helper for Python: parameters in, result, variables and condition out.

    import corral
    params = corral.input()                 # /workspace/data/input.json, {} when missing
    corral.set_variable("count", corral.get_variable("count", 0) + 1)
    corral.set_condition(params.get("deploy") is True)
    corral.output({"sum": 1 + 2})           # /workspace/output/output.json, any JSON value

Inputs: data/input.json (parameters), data/event.json (run metadata), data/variables.json
(initial variables); a missing file counts as {}. Outputs: output/output.json, output/variables.json
(initial variables plus every set so far), output/condition.json ({"condition": true|false}), each
written to a temporary file and renamed into place. CORRAL_DATA_DIR and CORRAL_OUTPUT_DIR override
/workspace/data and /workspace/output. Standard library only.
"""
import json
import os
import tempfile

__all__ = ["input", "event", "output", "get_variable", "set_variable", "set_condition"]


def _data(name):
    return os.path.join(os.environ.get("CORRAL_DATA_DIR", "/workspace/data"), name)


def _out(name):
    return os.path.join(os.environ.get("CORRAL_OUTPUT_DIR", "/workspace/output"), name)


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return {}
    value = json.loads(text) if text.strip() else {}
    if not isinstance(value, dict):
        raise ValueError("%s: not a JSON object" % path)
    return value


def _write(path, value):
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"  # fails before touching files
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".corral.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _variables():
    variables = _read(_data("variables.json"))
    variables.update(_read(_out("variables.json")))
    return variables


def input(key=None):
    """The parameters object, or the parameter `key` (None when absent)."""
    params = _read(_data("input.json"))
    return params if key is None else params.get(key)


def event(key=None):
    """The run metadata object, or its field `key` (None when absent)."""
    meta = _read(_data("event.json"))
    return meta if key is None else meta.get(key)


def output(value):
    """Sets the run's result: any JSON-serialisable value."""
    _write(_out("output.json"), value)


def get_variable(name, default=None):
    """A variable's current value (initial, or as set in this run), or `default`."""
    return _variables().get(name, default)


def set_variable(name, value):
    """Sets a variable; output/variables.json then holds all of them."""
    variables = _variables()
    variables[name] = value
    _write(_out("variables.json"), variables)


def set_condition(value):
    """Sets the run's condition: True or False (nothing else, so "false" is no accident)."""
    if not isinstance(value, bool):
        raise TypeError("set_condition expects True or False, got %r" % (value,))
    _write(_out("condition.json"), {"condition": value})

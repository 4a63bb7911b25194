'use strict';
// Corral's tool-run helper for Node.js: parameters in, result, variables and condition out.
//
//   const corral = require('corral');
//   const params = corral.input();            // /workspace/data/input.json, {} when missing
//   corral.setVariable('count', corral.getVariable('count', 0) + 1);
//   corral.setCondition(params.deploy === true);
//   corral.output({ sum: 1 + 2 });            // /workspace/output/output.json, any JSON value
//
// Inputs: data/input.json (parameters), data/event.json (run metadata), data/variables.json
// (initial variables); a missing file counts as {}. Outputs: output/output.json,
// output/variables.json (initial variables plus every set so far), output/condition.json
// ({"condition": true|false}), each written to a temporary file and renamed into place.
// CORRAL_DATA_DIR and CORRAL_OUTPUT_DIR override /workspace/data and /workspace/output.
// No dependencies.
const fs = require('fs');
const path = require('path');

const data = (name) => path.join(process.env.CORRAL_DATA_DIR || '/workspace/data', name);
const out = (name) => path.join(process.env.CORRAL_OUTPUT_DIR || '/workspace/output', name);
const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

function read(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return {};
    throw e;
  }
  const value = text.trim() ? JSON.parse(text) : {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: not a JSON object`);
  }
  return value;
}

function write(file, value) {
  const text = JSON.stringify(value === undefined ? null : value);  // throws before touching files
  if (text === undefined) throw new TypeError(`corral: cannot write ${typeof value} as JSON`);
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.corral.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    fs.writeFileSync(tmp, text + '\n', { flag: 'wx', mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch (_) { /* not created */ }
    throw e;
  }
}

function variables() {
  return Object.assign(read(data('variables.json')), read(out('variables.json')));
}

function pick(obj, key) {
  if (key === undefined || key === null) return obj;
  return has(obj, key) ? obj[key] : null;
}

/** The parameters object, or the parameter `key` (null when absent). */
function input(key) { return pick(read(data('input.json')), key); }

/** The run metadata object, or its field `key` (null when absent). */
function event(key) { return pick(read(data('event.json')), key); }

/** Sets the run's result: any JSON value. */
function output(value) { write(out('output.json'), value); }

/** A variable's current value (initial, or as set in this run), or `dflt` (default null). */
function getVariable(name, dflt = null) {
  const vars = variables();
  return has(vars, name) ? vars[name] : dflt;
}

/** Sets a variable; output/variables.json then holds all of them. */
function setVariable(name, value) {
  const vars = variables();
  vars[name] = value === undefined ? null : value;
  write(out('variables.json'), vars);
}

/** Sets the run's condition: true or false (nothing else, so 'false' is no accident). */
function setCondition(value) {
  if (typeof value !== 'boolean') throw new TypeError(`setCondition expects true or false, got ${JSON.stringify(value)}`);
  write(out('condition.json'), { condition: value });
}

module.exports = { input, event, output, getVariable, setVariable, setCondition };

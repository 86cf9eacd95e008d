// The bad-input suite's catalogue for the JavaScript front ends (the npm
// package: tests/npm/bad-inputs.test.mjs; the page: tests/e2e/bad-inputs.test.mjs).
// `make` builds a case's bytes from its recipe with the same steps, in the
// same order, as `make` in tests/bad_inputs.rs (the CLI's side); `problems`
// checks a report against the case's stated outcome.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const FIXTURES = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'fixtures', 'bad-inputs');

export const catalogue = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));

/** The cases a front end runs from their recipe: `front_ends`, when given, lists them; heavy cases have their own tests. */
export function casesFor(frontEnd) {
  return catalogue.cases.filter((c) => !c.heavy && (!c.front_ends || c.front_ends.includes(frontEnd)));
}

/** The companion file every case is uploaded with. */
export function companion() {
  return { name: catalogue.companion.name, bytes: new Uint8Array(readFileSync(join(FIXTURES, catalogue.companion.file))) };
}

/** Deterministic junk: xorshift32, one byte per step (as in tests/bad_inputs.rs). */
function xorshiftBytes(seed, length) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function utf16(text, bigEndian) {
  const out = new Uint8Array(text.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), !bigEndian);
  return out;
}

const concat = (a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

/** The bytes of a case, from its recipe. */
export function make(recipe) {
  let bytes;
  if (recipe.file !== undefined) bytes = new Uint8Array(readFileSync(join(FIXTURES, recipe.file)));
  else if (recipe.text !== undefined) bytes = new TextEncoder().encode(recipe.text);
  else if (recipe.repeat) {
    const r = recipe.repeat;
    const text = (r.prefix ?? '') + r.unit.repeat(r.count) + (r.close ?? '').repeat(r.count) + (r.suffix ?? '');
    bytes = new TextEncoder().encode(text);
  } else if (recipe.random) bytes = xorshiftBytes(recipe.random.seed, recipe.random.length);
  else throw new Error('a recipe needs file, text, repeat or random: ' + JSON.stringify(recipe));
  // Binary sources (junk, a checked-in .gz) take no text steps.
  let text = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = null;
  }
  if (text !== null) {
    if (recipe.replace) {
      const [from, to] = recipe.replace;
      if (!text.includes(from)) throw new Error(`the recipe replaces ${JSON.stringify(from)}, which is not in the text`);
      text = text.split(from).join(to);
    }
    if (recipe.cut !== undefined) text = new TextDecoder().decode(new TextEncoder().encode(text).slice(0, recipe.cut));
    if (recipe.append !== undefined) text += recipe.append;
    if (recipe.crlf) text = text.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n');
    const encoding = recipe.encoding ?? 'utf8';
    if (encoding === 'utf8') bytes = concat(recipe.bom ? Uint8Array.of(0xef, 0xbb, 0xbf) : new Uint8Array(0), new TextEncoder().encode(text));
    else if (encoding === 'utf16le') bytes = concat(recipe.bom ? Uint8Array.of(0xff, 0xfe) : new Uint8Array(0), utf16(text, false));
    else if (encoding === 'utf16be') bytes = concat(recipe.bom ? Uint8Array.of(0xfe, 0xff) : new Uint8Array(0), utf16(text, true));
    else if (encoding === 'latin1') {
      bytes = Uint8Array.from(text, (c) => {
        if (c.charCodeAt(0) > 0xff) throw new Error('not a Latin-1 character: ' + c);
        return c.charCodeAt(0);
      });
    } else throw new Error('unknown encoding ' + encoding);
  }
  if (recipe.gzip) bytes = new Uint8Array(gzipSync(bytes));
  return bytes;
}

const key = (f) => `${f.rule}|${f.resource}|${f.verdict}`;

/** rule|resource id|verdict of the findings whose evidence is in `file`, sorted. */
export function findingsIn(report, file) {
  return report.findings
    .filter((f) => f.evidence.some((e) => e.file === file))
    .map((f) => key({ rule: f.rule, resource: f.resource.id, verdict: f.verdict }))
    .sort();
}

export const expectedFindings = (list) => list.map(key).sort();

/**
 * What is wrong with `report` for `kase` (uploaded with the companion): an
 * empty list when the report is as the catalogue states.
 */
export function problems(kase, report) {
  const wrong = [];
  const name = kase.name;
  const input = report.inputs.find((i) => i.file === name);
  if (!input) return [`${name} is not among the inputs`];
  const comp = catalogue.companion;
  const compInput = report.inputs.find((i) => i.file === comp.name);
  if (!compInput || compInput.error) wrong.push(`the companion was not read: ${JSON.stringify(compInput)}`);
  if (JSON.stringify(findingsIn(report, comp.name)) !== JSON.stringify(expectedFindings(comp.findings))) {
    wrong.push(`the companion's findings: ${findingsIn(report, comp.name)}`);
  }
  const expect = kase.expect;
  if (expect.error) {
    if (!input.error) return [`${name}: expected an error, got ${JSON.stringify(input)}`];
    for (const needle of expect.error.says) {
      if (!input.error.includes(needle)) wrong.push(`${name}: the error ${JSON.stringify(input.error)} should say ${JSON.stringify(needle)}`);
    }
    if (expect.error.place && !input.error.includes(expect.error.place)) {
      wrong.push(`${name}: the error ${JSON.stringify(input.error)} should name the place ${JSON.stringify(expect.error.place)}`);
    }
    return wrong;
  }
  if (input.error) return [`${name}: expected an audit, got the error ${input.error}`];
  if (input.format !== expect.format) wrong.push(`${name}: format ${input.format} instead of ${expect.format}`);
  const found = findingsIn(report, name);
  if (JSON.stringify(found) !== JSON.stringify(expectedFindings(expect.findings))) wrong.push(`${name}: findings ${found}`);
  for (const needle of expect.notes ?? []) {
    if (!(input.notes ?? []).some((n) => n.includes(needle))) wrong.push(`${name}: no note says ${needle}`);
  }
  for (const skip of expect.skipped ?? []) {
    if (!input.skipped.some((s) => s.pointer === skip.pointer && s.reason.includes(skip.says))) {
      wrong.push(`${name}: ${JSON.stringify(skip)} is not among the skipped: ${JSON.stringify(input.skipped)}`);
    }
  }
  for (const place of expect.evidence ?? []) {
    const matching = report.findings.flatMap((f) => f.evidence).filter((e) => e.file === name && e.pointer === place.pointer);
    if (matching.length === 0 || matching.some((e) => e.line !== place.line)) {
      wrong.push(`${name}: evidence at ${JSON.stringify(place)} expected, got ${JSON.stringify(matching)}`);
    }
  }
  return wrong;
}

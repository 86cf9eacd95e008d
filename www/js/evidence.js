// Evidence: find the value a finding blames in the user's own file and show
// an excerpt of it. The file is never decoded to one big string or parsed
// whole: a byte scanner walks the RFC 6901 pointer and only the small
// surrounding subtree is parsed, so this works on files of hundreds of MB.

const utf8 = new TextDecoder('utf-8');

/** Gunzips, converts UTF-16 to UTF-8 and drops a BOM, like the core does. */
async function normalizeBytes(bytes) {
  let b = bytes;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    const stream = new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'));
    b = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  let utf16 = null;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) utf16 = 'utf-16le';
  else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) utf16 = 'utf-16be';
  else if (b.length >= 2 && b[0] !== 0 && b[1] === 0) utf16 = 'utf-16le';
  else if (b.length >= 2 && b[0] === 0 && b[1] !== 0) utf16 = 'utf-16be';
  if (utf16) b = new TextEncoder().encode(new TextDecoder(utf16).decode(b));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  return b;
}

function parsePointer(pointer) {
  if (pointer === '') return [];
  if (pointer[0] !== '/') throw new Error('not a JSON pointer: ' + pointer);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isWs(c) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWs(b, i) {
  while (i < b.length && isWs(b[i])) i++;
  return i;
}

/** Index just past the string starting at b[i] (a quote). */
function skipString(b, i) {
  const n = b.length;
  for (i++; i < n; i++) {
    const c = b[i];
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  throw new Error('unterminated string');
}

function readString(b, i) {
  const end = skipString(b, i);
  const raw = b.subarray(i + 1, end - 1);
  const value = raw.includes(0x5c) ? JSON.parse(utf8.decode(b.subarray(i, end))) : utf8.decode(raw);
  return { value, end };
}

/** Index just past the JSON value starting at b[i]. */
function skipValue(b, i) {
  const c = b[i];
  if (c === 0x22) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) {
    const n = b.length;
    let depth = 0;
    for (; i < n; i++) {
      const d = b[i];
      if (d === 0x22) {
        for (i++; i < n; i++) {
          const e = b[i];
          if (e === 0x5c) i++;
          else if (e === 0x22) break;
        }
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new Error('unterminated ' + (c === 0x7b ? 'object' : 'array'));
  }
  // number, true, false, null
  while (i < b.length) {
    const d = b[i];
    if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) break;
    i++;
  }
  return i;
}

/** Within the value at b[i], the child named `token`; returns its start or -1. */
function child(b, i, token) {
  const c = b[i];
  if (c === 0x7b) {
    i = skipWs(b, i + 1);
    while (i < b.length && b[i] !== 0x7d) {
      const key = readString(b, i);
      i = skipWs(b, key.end);
      if (b[i] !== 0x3a) throw new Error('expected ":"');
      i = skipWs(b, i + 1);
      if (key.value === token) return i;
      i = skipWs(b, skipValue(b, i));
      if (b[i] === 0x2c) i = skipWs(b, i + 1);
    }
    return -1;
  }
  if (c === 0x5b) {
    if (!/^(0|[1-9][0-9]*)$/.test(token)) return -1;
    const want = Number(token);
    i = skipWs(b, i + 1);
    for (let n = 0; i < b.length && b[i] !== 0x5d; n++) {
      if (n === want) return i;
      i = skipWs(b, skipValue(b, i));
      if (b[i] === 0x2c) i = skipWs(b, i + 1);
    }
    return -1;
  }
  return -1;
}

/** Spans [start, end) of the non-empty lines, when the bytes are JSON Lines. */
function jsonLines(b) {
  const first = skipWs(b, 0);
  if (first >= b.length) return null;
  let after;
  try {
    after = skipWs(b, skipValue(b, first));
  } catch (e) {
    return null;
  }
  if (after >= b.length) return null;
  const lines = [];
  let start = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === 0x0a) {
      const s = skipWs(b, start);
      if (s < i) lines.push(s);
      start = i + 1;
    }
  }
  return lines;
}

/**
 * Resolves `pointer` in the (normalized) bytes. Returns
 * { spans: [{token, start, end}] from the root down to the target, line, column }
 * or throws an Error whose message says what could not be found.
 */
function locate(b, pointer) {
  const tokens = parsePointer(pointer);
  const spans = [];
  let i = skipWs(b, 0);
  let k = 0;
  const lines = jsonLines(b);
  if (lines) {
    // A JSON Lines file is treated as an array of its non-empty lines.
    spans.push({ token: null, start: i, end: b.length, lines: true });
    if (tokens.length === 0) return finish(b, spans);
    const idx = /^(0|[1-9][0-9]*)$/.test(tokens[0]) ? Number(tokens[0]) : -1;
    if (idx < 0 || idx >= lines.length) throw new Error('line ' + tokens[0] + ' is not in the file');
    i = lines[idx];
    spans.push({ token: tokens[0], start: i, end: skipValue(b, i) });
    k = 1;
  } else {
    spans.push({ token: null, start: i, end: skipValue(b, i) });
  }
  for (; k < tokens.length; k++) {
    const next = child(b, i, tokens[k]);
    if (next < 0) throw new Error('"' + tokens[k] + '" is not in the file at /' + tokens.slice(0, k).join('/'));
    i = next;
    spans.push({ token: tokens[k], start: i, end: skipValue(b, i) });
  }
  return finish(b, spans);
}

function finish(b, spans) {
  const start = spans[spans.length - 1].start;
  let line = 1;
  let lineStart = 0;
  for (let j = 0; j < start; j++) {
    if (b[j] === 0x0a) {
      line++;
      lineStart = j + 1;
    }
  }
  // Characters, not bytes: count the bytes that start a UTF-8 sequence.
  // (Never decode here: a minified file can be one line of hundreds of MB.)
  let column = 1;
  for (let j = lineStart; j < start; j++) if ((b[j] & 0xc0) !== 0x80) column++;
  return { spans, line, column };
}

/**
 * Where the excerpt starts: the shallowest array element above the target
 * (a resource in most exports: configurationItems/3, SecurityGroups/0,
 * resources/5, calls/2, a JSON Lines line), else two levels up.
 */
function contextDepth(b, spans) {
  const last = spans.length - 1;
  let depth = -1;
  for (let d = 1; d <= last; d++) {
    const parent = spans[d - 1];
    if (parent.lines || b[parent.start] === 0x5b) {
      depth = d;
      break;
    }
  }
  if (depth < 0) depth = Math.max(0, last - 2);
  // Keep the excerpt's source small enough to parse instantly.
  while (depth < last && spans[depth].end - spans[depth].start > 4 * 1024 * 1024) depth++;
  return depth;
}

// ---- Excerpt model: a list of segments { text, cls, mark } -----------------

function countOf(n, word) {
  return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
}

const IDENTITY_KEY = /name|^id$|id$|type|arn|region|account|^key$/i;

function excerpt(value, relTokens, options) {
  const opts = Object.assign({ maxKeys: 10, targetLines: 60, maxString: 240, targetString: 2000 }, options);
  const out = [];
  const state = { mark: false, lines: 0 };
  const push = (text, cls) => {
    if (text.includes('\n')) state.lines++;
    out.push({ text, cls: cls || '', mark: state.mark });
  };
  const pad = (n) => ' '.repeat(n);

  function scalar(v, limit) {
    if (typeof v === 'string') {
      const s = JSON.stringify(v.length > limit ? v.slice(0, limit) : v);
      push(v.length > limit ? s.slice(0, -1) + '…"' : s, 's');
    } else if (typeof v === 'number') push(String(v), 'n');
    else push(String(v), 'b');
  }

  // A short form of an off-path value; returns a comment to put after the
  // comma, if any.
  function brief(v) {
    if (v === null || typeof v !== 'object') return scalar(v, opts.maxString);
    const compact = JSON.stringify(v);
    if (compact.length <= 72) return full(v, 0, false);
    if (Array.isArray(v)) {
      push('[…]', 'p');
      return countOf(v.length, 'item');
    }
    push('{…}', 'p');
    return countOf(Object.keys(v).length, 'key');
  }
  const comment = (text) => {
    if (text) push('  // ' + text, 'c');
  };

  // Pretty-prints v; `multiline` false prints it on one line (small values).
  function full(v, indent, multiline) {
    if (v === null || typeof v !== 'object') return scalar(v, opts.targetString);
    const isArr = Array.isArray(v);
    const keys = isArr ? v.map((_, i) => i) : Object.keys(v);
    push(isArr ? '[' : '{', 'p');
    if (keys.length === 0) return push(isArr ? ']' : '}', 'p');
    keys.forEach((key, n) => {
      if (multiline) push('\n' + pad(indent + 2));
      else if (n > 0) push(' ');
      if (!isArr) {
        push(JSON.stringify(key), 'k');
        push(': ', 'p');
      }
      let note;
      if (multiline && state.lines > opts.targetLines) note = brief(v[key]);
      else full(v[key], indent + 2, multiline && JSON.stringify(v[key]).length > 72);
      if (n < keys.length - 1) push(',', 'p');
      comment(note);
    });
    if (multiline) push('\n' + pad(indent));
    push(isArr ? ']' : '}', 'p');
  }

  function onPath(v, indent, rel) {
    if (rel.length === 0) {
      state.mark = true;
      if (typeof v === 'string' && opts.truncateTarget) scalar(v, opts.truncateTarget);
      else full(v, indent, v !== null && typeof v === 'object' && JSON.stringify(v).length > 72);
      state.mark = false;
      return;
    }
    const token = rel[0];
    if (Array.isArray(v)) {
      const idx = Number(token);
      const small = (x) => x === null || typeof x !== 'object' || JSON.stringify(x).length <= 72;
      const showAll = v.length <= 20 && v.every((x, n) => n === idx || small(x)) && (v.length <= 8 || v.every((x) => x === null || typeof x !== 'object'));
      push('[', 'p');
      if (showAll) {
        v.forEach((x, n) => {
          push('\n' + pad(indent + 2));
          let note;
          if (n === idx) onPath(x, indent + 2, rel.slice(1));
          else note = brief(x);
          if (n < v.length - 1) push(',', 'p');
          comment(note);
        });
      } else {
        if (idx > 0) push('\n' + pad(indent + 2) + '// … ' + countOf(idx, 'item') + ' before', 'c');
        push('\n' + pad(indent + 2));
        onPath(v[idx], indent + 2, rel.slice(1));
        const after = v.length - idx - 1;
        if (after > 0) push('\n' + pad(indent + 2) + '// … ' + countOf(after, 'item') + ' after', 'c');
      }
      push('\n' + pad(indent) + ']', 'p');
      return;
    }
    const keys = Object.keys(v);
    let shown = keys;
    if (keys.length > opts.maxKeys + 1) {
      const others = keys.filter((k) => k !== token);
      const pick = new Set([token]);
      for (const k of others) if (pick.size <= opts.maxKeys && IDENTITY_KEY.test(k)) pick.add(k);
      for (const k of others) if (pick.size <= opts.maxKeys) pick.add(k);
      shown = keys.filter((k) => pick.has(k));
    }
    push('{', 'p');
    shown.forEach((key, n) => {
      push('\n' + pad(indent + 2));
      push(JSON.stringify(key), 'k');
      push(': ', 'p');
      let note;
      if (key === token) onPath(v[key], indent + 2, rel.slice(1));
      else note = brief(v[key]);
      if (n < shown.length - 1 || shown.length < keys.length) push(',', 'p');
      comment(note);
    });
    if (shown.length < keys.length) {
      push('\n' + pad(indent + 2) + '// … ' + countOf(keys.length - shown.length, 'more key'), 'c');
    }
    push('\n' + pad(indent) + '}', 'p');
  }

  onPath(value, 0, relTokens);
  return out;
}

/**
 * Everything the detail view needs for one evidence entry:
 * { path: [tokens of the context root], line, column, segments, inner?: {segments} }
 */
function evidenceExcerpt(bytes, pointer, inner) {
  const found = locate(bytes, pointer);
  const spans = found.spans;
  const depth = contextDepth(bytes, spans);
  const root = spans[depth];
  if (root.end - root.start > 64 * 1024 * 1024) throw new Error('the value is too large to show here');
  const context = JSON.parse(utf8.decode(bytes.subarray(root.start, root.end)));
  const rel = spans.slice(depth + 1).map((s) => s.token);
  const contextPath = spans.slice(1, depth + 1).map((s) => s.token);
  const targetSpan = spans[spans.length - 1];
  const result = { contextPath, line: found.line, column: found.column };
  if (inner !== undefined && inner !== null) {
    result.segments = excerpt(context, rel, { truncateTarget: 160 });
    const text = JSON.parse(utf8.decode(bytes.subarray(targetSpan.start, targetSpan.end)));
    if (typeof text !== 'string') throw new Error('the value at ' + pointer + ' is not JSON text');
    let innerValue;
    try {
      innerValue = JSON.parse(text);
    } catch (err) {
      // AWS Config writes some policies URL-encoded (%7B%22Version...).
      if (!/^\s*%7B/i.test(text)) throw err;
      innerValue = JSON.parse(decodeURIComponent(text));
      result.urlEncoded = true;
    }
    const innerTokens = parsePointer(inner);
    let v = innerValue;
    for (const t of innerTokens) {
      if (v === null || typeof v !== 'object' || !(t in v)) throw new Error('"' + t + '" is not in the embedded JSON');
      v = v[t];
    }
    result.inner = { segments: excerpt(innerValue, innerTokens) };
  } else {
    result.segments = excerpt(context, rel);
  }
  return result;
}

/**
 * The lines around `line` (1-based) of a text file the report places by line
 * and column (YAML templates), for the same detail view:
 * { contextPath: [], line, column, segments } with the blamed line marked.
 */
function lineExcerpt(bytes, line, column, around) {
  const span = around === undefined ? 3 : around;
  const first = Math.max(1, line - span);
  const last = line + span;
  const segments = [];
  let n = 1;
  let start = 0;
  // Only the lines shown are decoded; a template is small, but never assume it.
  while (start <= bytes.length && n <= last) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (n >= first) {
      let text = utf8.decode(bytes.subarray(start, end)).replace(/\r$/, '');
      if (text.length > 400) text = text.slice(0, 400) + ' …';
      segments.push({ text: (segments.length ? '\n' : '') + text, cls: '', mark: n === line });
    }
    if (end === bytes.length) break;
    start = end + 1;
    n++;
  }
  if (n < line) throw new Error('line ' + line + ' is not in the file');
  return { contextPath: [], line, column, segments };
}

if (typeof module === 'object' && module.exports) {
  module.exports = { normalizeBytes, parsePointer, locate, skipValue, contextDepth, excerpt, evidenceExcerpt, lineExcerpt, jsonLines };
}

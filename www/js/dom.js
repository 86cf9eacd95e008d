// DOM helpers. Every string becomes a text node: nothing from a user's file
// is ever parsed as markup (no HTML-string sink is used anywhere in the page,
// tests/e2e/sinks.test.mjs checks the build, and Trusted Types would refuse
// one). See docs/security.md.

// Attributes that load or run something. h() refuses them, so that no
// caller can pass a file's text into one by mistake.
const UNSAFE_ATTRIBUTES = /^(src|srcdoc|srcset|action|formaction|xlink:href|style|data|code|codebase)$/i;
// Links may go to a place in the page, a blob: the page made, or an https: page.
const SAFE_HREF = /^(#|blob:|https:\/\/)/;

/**
 * h('p', { class: 'x', 'aria-label': 'y' }, 'text', child, [more]) -> Element
 * Attributes are set with setAttribute; `on*` keys must be functions and
 * become listeners. `href` must be a page-internal link, a blob: or https:.
 */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (/^on/i.test(key)) {
        if (typeof value !== 'function') throw new TypeError('h(): ' + key + ' must be a function');
        el.addEventListener(key.slice(2), value);
      } else if (UNSAFE_ATTRIBUTES.test(key) || (key === 'href' && !SAFE_HREF.test(String(value)))) {
        throw new TypeError('h(): refusing ' + key + '="' + String(value).slice(0, 80) + '"');
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'selected') {
        el[key] = Boolean(value);
      } else if (key === 'value') {
        el.value = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

function $(selector, root) {
  return (root || document).querySelector(selector);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A small inline icon from a fixed set of path data (never user data). */
function icon(name, extraClass) {
  const paths = ICONS[name];
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon' + (extraClass ? ' ' + extraClass : ''));
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

const ICONS = {
  file: ['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  alert: ['M12 4L2.5 20h19z', 'M12 10v4.5', 'M12 17.5v.01'],
  info: ['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M12 11v6', 'M12 7.5v.01'],
  chevron: ['M9 6l6 6-6 6'],
  download: ['M12 4v11', 'M7 10.5l5 5 5-5', 'M5 20h14'],
  copy: ['M9 9h10v10H9z', 'M5 15V5h10'],
  lock: ['M6 11h12v9H6z', 'M8.5 11V8a3.5 3.5 0 0 1 7 0v3'],
  search: ['M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z', 'M15.5 15.5L20 20'],
  eye: ['M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12z', 'M12 9.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z'],
  x: ['M6 6l12 12', 'M18 6L6 18'],
};

function formatBytes(n) {
  if (n < 1024) return n + ' bytes';
  if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB';
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0) + ' MB';
  return (n / 1024 / 1024 / 1024).toFixed(2) + ' GB';
}

function plural(n, one, many) {
  return n.toLocaleString('en') + ' ' + (n === 1 ? one : many || one + 's');
}

/**
 * Renders rule documentation text (plain text with `code` spans and blank
 * lines between paragraphs) as paragraphs of text nodes and <code> elements.
 */
function prose(text) {
  const frag = document.createDocumentFragment();
  const paragraphs = String(text || '').trim().split(/\n\s*\n/);
  for (const para of paragraphs) {
    if (!para.trim()) continue;
    const lines = para.split('\n');
    if (lines.every((l) => /^\s*([-*]|\d+\.)\s+/.test(l))) {
      const list = h(/^\s*\d/.test(lines[0]) ? 'ol' : 'ul');
      for (const l of lines) list.appendChild(inline('li', l.replace(/^\s*([-*]|\d+\.)\s+/, '')));
      frag.appendChild(list);
    } else {
      frag.appendChild(inline('p', lines.join(' ')));
    }
  }
  return frag;
}

function inline(tag, text) {
  const el = h(tag);
  const parts = String(text).split('`');
  parts.forEach((part, i) => {
    if (!part) return;
    if (i % 2 === 1) el.appendChild(h('code', null, part));
    else el.appendChild(document.createTextNode(part.replace(/\*\*/g, '')));
  });
  return el;
}

// keyhole-audit for browsers and bundlers (Vite, webpack, esbuild, Rollup).
// The WebAssembly module sits next to this file; `new URL(..., import.meta.url)`
// is the pattern bundlers recognise and copy into the build. It is fetched
// from your own origin: nothing else is ever requested.
import init, * as glue from './wasm/keyhole.js';
import { createApi } from './lib/api.js';

await init({ module_or_path: new URL('./wasm/keyhole_bg.wasm', import.meta.url) });

const api = createApi(glue);

export const { audit, rules, version, render } = api;
export { exitCode, SEVERITIES } from './lib/api.js';

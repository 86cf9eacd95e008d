// The API for Node: the WebAssembly module is read from disk (../wasm/) and
// compiled synchronously, so importing needs no top-level await and no network.
import { readFileSync } from 'node:fs';
import * as glue from '../wasm/keyhole.js';
import { createApi } from './api.js';

glue.initSync({ module: readFileSync(new URL('../wasm/keyhole_bg.wasm', import.meta.url)) });

export const api = createApi(glue);

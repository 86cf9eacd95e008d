#!/usr/bin/env node
// `npx keyhole-audit audit FILE...`: the keyhole command line, in WebAssembly.
// Same commands, flags, output formats and exit codes as the native CLI.
import { api } from '../lib/node-api.js';
import { main } from '../lib/cli.js';

process.exitCode = await main(api, process.argv.slice(2));

// The `keyhole` command line on Node: the same commands, flags, outputs and
// exit codes as the native CLI (crate/src/main.rs). Offline: it reads the
// paths it is given and writes the report, nothing else.
import { writeFileSync } from 'node:fs';
import { auditLoaded, loadInputs, NO_INPUTS } from './files.js';
import { exitCode } from './api.js';

const ABOUT =
  'Finds cloud data stores and doors open to the internet, from exported configuration. Nothing leaves this machine.';

const MAIN_HELP = `${ABOUT}

Usage: keyhole <COMMAND>

Commands:
  audit    Audit export files (a directory is read recursively; \`-\` reads standard input)
  rules    List the rules
  explain  Show a rule's documentation
  help     Print this message or the help of the given subcommand(s)

Options:
  -h, --help     Print help
  -V, --version  Print version
`;

const AUDIT_HELP = `Audit export files (a directory is read recursively; \`-\` reads standard input)

Usage: keyhole audit [OPTIONS] <FILE|DIR|->...

Arguments:
  <FILE|DIR|->...

Options:
      --format <FORMAT>          Output format [default: text] [possible values: json, sarif, csv, text]
  -o, --output <F>               Write the report to this file instead of standard output
      --fail-on <FAIL_ON>        Exit with 1 when a finding is at or above this severity [default: high]
                                 [possible values: critical, high, medium, low, info, never]
      --sensitive-words <WORDS>  Words that mark personal data in names and tags (comma-separated), replacing the defaults
  -h, --help                     Print help
`;

const RULES_HELP = `List the rules

Usage: keyhole rules [OPTIONS]

Options:
      --format <FORMAT>  [default: text] [possible values: text, json, markdown]
  -h, --help             Print help
`;

const EXPLAIN_HELP = `Show a rule's documentation

Usage: keyhole explain <RULE>

Arguments:
  <RULE>

Options:
  -h, --help  Print help
`;

/** A command-line mistake: printed with a hint, exit code 2 (as clap does). */
class UsageError extends Error {}

/**
 * Parses a subcommand's arguments. `spec` maps long flag names to
 * { short?, values?, multiple? }; the rest are positionals.
 */
function parseArgs(args, spec, usage) {
  const values = {};
  const positionals = [];
  const byShort = Object.fromEntries(
    Object.entries(spec)
      .filter(([, s]) => s.short)
      .map(([name, s]) => [s.short, name]),
  );
  const set = (name, value) => {
    const s = spec[name];
    if (s.values && !s.values.includes(value)) {
      throw new UsageError(
        `invalid value '${value}' for '--${name} <${s.meta}>'\n  [possible values: ${s.values.join(', ')}]`,
      );
    }
    if (s.multiple) {
      (values[name] ??= []).push(value);
    } else if (name in values) {
      throw new UsageError(`the argument '--${name} <${s.meta}>' cannot be used multiple times\n\n${usage}`);
    } else {
      values[name] = value;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return { help: true };
    let name;
    let inline;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!(name in spec)) throw new UsageError(`unexpected argument '${arg}' found\n\n${usage}`);
    } else if (arg.length > 1 && arg.startsWith('-')) {
      name = byShort[arg[1]];
      if (!name) throw new UsageError(`unexpected argument '${arg}' found\n\n${usage}`);
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    } else {
      positionals.push(arg);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) {
        throw new UsageError(`a value is required for '--${name} <${spec[name].meta}>' but none was supplied`);
      }
      value = args[++i];
    }
    set(name, value);
  }
  return { values, positionals };
}

/** Reads all of standard input (for `-`). */
async function readAllStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `RuleDoc::to_markdown` (crate/src/rules/meta.rs). */
function ruleMarkdown(r) {
  let out = `## ${r.id}\n\n`;
  out += `**${r.title}** · severity \`${r.severity}\` · verdict \`${r.verdict}\` · ${r.resource_types.join(', ')}\n\n`;
  out += '### What it does\n\n' + r.what.trim();
  out += '\n\n### Why it matters\n\n' + r.why.trim();
  out += '\n\n### How to fix\n\n**Console.** ' + r.fix.console.trim();
  out += '\n\n**CLI.**\n\n```sh\n' + r.fix.cli.trim();
  out += '\n```\n\n**Terraform.**\n\n```hcl\n' + r.fix.terraform.trim() + '\n```\n\n';
  if (r.equivalents.length) {
    out += '### Equivalents\n\n';
    for (const e of r.equivalents) out += `- ${e.tool} \`${e.id}\` (${e.same ? 'same logic' : 'related'})\n`;
    out += '\n';
  }
  if (r.references.length) {
    out += '### References\n\n';
    for (const ref of r.references) out += `- ${ref}\n`;
    out += '\n';
  }
  return out;
}

/** `rules::docs_markdown` (crate/src/rules/mod.rs). */
function docsMarkdown(catalogue) {
  let out =
    '# Keyhole rules\n\n<!-- Generated by `keyhole rules --format markdown`; do not edit by hand. -->\n\n' +
    '| id | severity | title |\n|---|---|---|\n';
  for (const r of catalogue) out += `| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.title} |\n`;
  out += '\n';
  for (const r of catalogue) out += ruleMarkdown(r);
  return out;
}

/** Writes to stdout; resolves once written (or with the error). */
function writeStdout(text) {
  return new Promise((resolve) => {
    const onError = (err) => resolve(err);
    process.stdout.once('error', onError);
    process.stdout.write(text, (err) => {
      process.stdout.removeListener('error', onError);
      resolve(err || null);
    });
  });
}

async function audit(api, args) {
  const usage = "Usage: keyhole audit [OPTIONS] <FILE|DIR|->...\n\nFor more information, try '--help'.";
  const parsed = parseArgs(
    args,
    {
      format: { meta: 'FORMAT', values: ['json', 'sarif', 'csv', 'text'] },
      output: { meta: 'F', short: 'o' },
      'fail-on': { meta: 'FAIL_ON', values: ['critical', 'high', 'medium', 'low', 'info', 'never'] },
      'sensitive-words': { meta: 'WORDS', multiple: true },
    },
    usage,
  );
  if (parsed.help) {
    await writeStdout(AUDIT_HELP);
    return 0;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    throw new UsageError(`the following required arguments were not provided:\n  <FILE|DIR|->...\n\n${usage}`);
  }
  const format = values.format ?? 'text';
  const failOn = values['fail-on'] ?? 'high';
  const options = values['sensitive-words']
    ? { sensitiveWords: values['sensitive-words'].flatMap((v) => v.split(',')) }
    : undefined;

  if (options && !api.takesOptions) {
    process.stderr.write(
      `keyhole: --sensitive-words is not supported by keyhole-audit ${api.version()} yet: ` +
        'its WebAssembly core does not take options; the native CLI has it\n',
    );
    return 2;
  }

  let stdin = null;
  if (positionals.includes('-')) {
    try {
      stdin = { bytes: await readAllStdin() };
    } catch (err) {
      stdin = { error: err };
    }
  }
  let stdinUsed = false;
  const readStdin = () => {
    if (stdin.error) throw stdin.error;
    // Like the CLI: a second `-` finds standard input already read.
    const bytes = stdinUsed ? Buffer.alloc(0) : stdin.bytes;
    stdinUsed = true;
    return bytes;
  };
  const loaded = loadInputs(positionals, readStdin);
  const report = auditLoaded(api, loaded, options);
  for (const input of report.inputs) {
    if (input.error !== null) process.stderr.write(`keyhole: ${input.file}: ${input.error}\n`);
  }
  if (loaded.length === 0) {
    process.stderr.write(`keyhole: ${NO_INPUTS}\n`);
    return 2;
  }
  // Text is plain: the WebAssembly core does not colour it (yet).
  const text = api.render(report, format);
  if (values.output !== undefined) {
    try {
      writeFileSync(values.output, text);
    } catch (err) {
      process.stderr.write(`keyhole: could not write ${values.output}: ${err.message}\n`);
      return 2;
    }
  } else {
    const err = await writeStdout(text);
    if (err) {
      process.stderr.write(`keyhole: could not write the report: ${err.message}\n`);
      return 2;
    }
  }
  return exitCode(report, failOn);
}

async function rulesCommand(api, args) {
  const usage = "Usage: keyhole rules [OPTIONS]\n\nFor more information, try '--help'.";
  const parsed = parseArgs(args, { format: { meta: 'FORMAT', values: ['text', 'json', 'markdown'] } }, usage);
  if (parsed.help) {
    await writeStdout(RULES_HELP);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}' found\n\n${usage}`);
  const catalogue = api.rules();
  const format = parsed.values.format ?? 'text';
  let text;
  if (format === 'json') text = JSON.stringify(catalogue, null, 2) + '\n';
  else if (format === 'markdown') text = docsMarkdown(catalogue);
  else text = catalogue.map((r) => `${r.id.padEnd(45)} ${r.severity.padEnd(9)} ${r.title}\n`).join('');
  await writeStdout(text);
  return 0;
}

async function explain(api, args) {
  const usage = "Usage: keyhole explain <RULE>\n\nFor more information, try '--help'.";
  const parsed = parseArgs(args, {}, usage);
  if (parsed.help) {
    await writeStdout(EXPLAIN_HELP);
    return 0;
  }
  const [rule, ...extra] = parsed.positionals;
  if (rule === undefined) {
    throw new UsageError(`the following required arguments were not provided:\n  <RULE>\n\n${usage}`);
  }
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}' found\n\n${usage}`);
  const found = api.rules().find((r) => r.id.toLowerCase() === rule.toLowerCase());
  if (!found) {
    process.stderr.write(`keyhole: there is no rule \`${rule}\`; \`keyhole rules\` lists them.\n`);
    return 2;
  }
  await writeStdout(ruleMarkdown(found));
  return 0;
}

/** Runs the command line; resolves with the exit code. */
export async function main(api, argv) {
  try {
    const [command, ...args] = argv;
    switch (command) {
      case 'audit':
        return await audit(api, args);
      case 'rules':
        return await rulesCommand(api, args);
      case 'explain':
        return await explain(api, args);
      case '-V':
      case '--version':
        await writeStdout(`keyhole ${api.version()}\n`);
        return 0;
      case '-h':
      case '--help':
        await writeStdout(MAIN_HELP);
        return 0;
      case 'help': {
        const help = { audit: AUDIT_HELP, rules: RULES_HELP, explain: EXPLAIN_HELP }[args[0]] ?? MAIN_HELP;
        await writeStdout(help);
        return 0;
      }
      case undefined:
        process.stderr.write(MAIN_HELP);
        return 2;
      default:
        throw new UsageError(
          `unrecognized subcommand '${command}'\n\nUsage: keyhole <COMMAND>\n\nFor more information, try '--help'.`,
        );
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`keyhole: ${err && err.message ? err.message : err}\n`);
    return 2;
  }
}

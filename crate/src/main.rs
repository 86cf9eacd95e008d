//! The `keyhole` command line: audit exported cloud configuration, offline.

use std::collections::HashSet;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use keyhole::report::{self, Format, InputSummary, Severity, TextStyle};
use keyhole::{rules, InputFile, Options};

// The parsed trees are millions of small nodes: mimalloc makes building and
// freeing them markedly cheaper than glibc's allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "keyhole",
    version,
    about = "Finds cloud data stores and doors open to the internet, from exported configuration. Nothing leaves this machine."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit export files (a directory is read recursively; `-` reads standard input).
    Audit {
        #[arg(required = true, value_name = "FILE|DIR|-")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Write the report to this file instead of standard output.
        #[arg(long, short, value_name = "F")]
        output: Option<PathBuf>,
        /// Exit with 1 when a finding is at or above this severity.
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
        /// Words that mark personal data in names and tags (comma-separated), replacing the defaults.
        #[arg(long, value_delimiter = ',', value_name = "WORDS")]
        sensitive_words: Option<Vec<String>>,
    },
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Show a rule's documentation.
    Explain {
        #[arg(value_name = "RULE")]
        rule: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Json,
    Sarif,
    Csv,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail on findings (input errors still exit 2).
    Never,
}

/// File name endings Keyhole reads when given a directory.
const EXTENSIONS: &[&str] = &[".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"];

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Audit { inputs, format, output, fail_on, sensitive_words } => {
            audit(&inputs, format, output.as_deref(), fail_on, sensitive_words)
        }
        Command::Rules { format } => {
            let catalogue = rules::catalogue();
            let text = match format {
                RulesFormat::Json => serde_json::to_string_pretty(&catalogue).unwrap_or_default() + "\n",
                RulesFormat::Markdown => rules::docs_markdown(),
                RulesFormat::Text => {
                    catalogue.iter().map(|r| format!("{:<45} {:<9} {}\n", r.id, r.severity.as_str(), r.title)).collect()
                }
            };
            print!("{text}");
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match rules::find(&rule) {
            Some(found) => {
                print!("{}", rules::RuleDoc::from(found.meta()).to_markdown());
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("keyhole: there is no rule `{rule}`; `keyhole rules` lists them.");
                ExitCode::from(2)
            }
        },
    }
}

/// A named input: its bytes, or why they could not be read.
struct Loaded {
    name: String,
    bytes: Result<Vec<u8>, String>,
}

/// Adds the file, or a directory's files (recursively, each directory once
/// even through symlink loops), to `out`.
fn collect(path: &Path, out: &mut Vec<Loaded>, visited: &mut HashSet<PathBuf>) {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        let read = std::io::stdin()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| format!("could not read standard input: {e}"));
        out.push(Loaded { name: "<stdin>".into(), bytes: read });
        return;
    }
    let name = path.display().to_string();
    if path.is_dir() {
        if !visited.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())) {
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                out.push(Loaded { name, bytes: Err(format!("could not read this directory: {e}")) });
                return;
            }
        };
        entries.sort();
        for entry in entries {
            let file_name = entry.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            if entry.is_dir() || EXTENSIONS.iter().any(|e| file_name.ends_with(e)) {
                collect(&entry, out, visited);
            }
        }
        return;
    }
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied: this file could not be opened".to_string(),
        _ => format!("could not be read: {e}"),
    });
    out.push(Loaded { name, bytes });
}

fn audit(
    paths: &[PathBuf],
    format: OutputFormat,
    output: Option<&Path>,
    fail_on: FailOn,
    sensitive_words: Option<Vec<String>>,
) -> ExitCode {
    let mut loaded = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        collect(path, &mut loaded, &mut visited);
    }
    let mut options = Options::default();
    if let Some(words) = sensitive_words {
        options.sensitive_words = words.into_iter().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
    }
    let readable: Vec<InputFile> =
        loaded.iter().filter_map(|l| l.bytes.as_ref().ok().map(|b| InputFile { name: &l.name, bytes: b })).collect();
    let mut report = keyhole::audit(&readable, &options);
    // Put unreadable files back in their places, so the report lists every input.
    for (index, l) in loaded.iter().enumerate() {
        if let Err(error) = &l.bytes {
            let summary = InputSummary {
                file: l.name.clone(),
                format: None,
                resources: 0,
                skipped: Vec::new(),
                error: Some(error.clone()),
                notes: Vec::new(),
            };
            report.inputs.insert(index.min(report.inputs.len()), summary);
        }
    }
    for input in &report.inputs {
        if let Some(error) = &input.error {
            eprintln!("keyhole: {}: {error}", input.file);
        }
    }
    if loaded.is_empty() {
        eprintln!(
            "keyhole: no input files found (a directory is searched for .json, .json.gz, .jsonl and .ndjson files, gzipped or not)"
        );
        return ExitCode::from(2);
    }
    let to_terminal = output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = match format {
        OutputFormat::Json => report.to_json(),
        OutputFormat::Sarif => report::render(&report, Format::Sarif),
        OutputFormat::Csv => report::render(&report, Format::Csv),
        OutputFormat::Text => report::to_text(&report, if to_terminal { TextStyle::Color } else { TextStyle::Plain }),
    };
    let written = match output {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(|e| format!("could not write {}: {e}", path.display()))
        }
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| format!("could not write the report: {e}")),
    };
    if let Err(error) = written {
        eprintln!("keyhole: {error}");
        return ExitCode::from(2);
    }
    let threshold = match fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let code = match threshold {
        Some(t) => report.exit_code(t),
        None => {
            if report.has_input_errors() {
                2
            } else {
                0
            }
        }
    };
    ExitCode::from(code as u8)
}

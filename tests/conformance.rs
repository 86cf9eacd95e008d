//! Conformance with other projects' test cases (issue 5, item 7).
//!
//! Runs every case of a corpus laid out as `<source>/<case_id>/{input.*,
//! expected.json}`: `../shared/corpus` beside the repository, or the
//! directory named by `$KEYHOLE_CORPUS`. `docs/conformance.md` explains the
//! scope and the verdicts; in short:
//! - A case is in scope when Keyhole reads its `format` and its `concern`
//!   maps, in `tests/conformance/concerns.json`, to Keyhole rule ids or to the
//!   policy evaluator. Out-of-scope cases are counted by reason, not dropped.
//! - `flag`: a finding of a mapped rule with verdict public, exposed or weak
//!   must sit on each resource the case names as failing (or anywhere in the
//!   file when it names none), and no mapped finding may sit on a resource it
//!   names as passing. An `unknown` finding does not meet a `flag`: Keyhole
//!   says it could not decide, which is a different answer, and has to be
//!   documented like any other.
//! - `clean`: no finding of a mapped rule, whatever its verdict, on the
//!   resources the case is about (the whole file when it names none).
//! - A case that does not match must be listed in
//!   `tests/conformance/deviations.json` with the reason Keyhole's answer is
//!   the better one. The test fails on an unlisted mismatch, on a listed case
//!   that now matches, and on a listed case that no longer exists.
//!
//! When the corpus is missing the test passes with a message, except under
//! `CI=true`, where it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use keyhole::policy::{evaluate, Access, PolicyKind};
use keyhole::report::{Finding, Report, Verdict};
use keyhole::{audit, InputFile, Options};
use serde_json::{Map, Value};

/// The formats Keyhole reads, as the corpus names them.
const READ_FORMATS: [&str; 7] = [
    "cloudformation",
    "arm",
    "tfplan",
    "gcp-cai",
    "iam-policy",
    "iam-policy-statement",
    "aws-iam-authorization-details",
];

fn repo_dir() -> PathBuf {
    // The crate lives in <repo>/crate.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("KEYHOLE_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Cases and scope

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Flag,
    Clean,
}

struct Case {
    /// `<source>/<case_id>`, the key of the deviations file.
    key: String,
    source: String,
    format: String,
    concern: String,
    expect: Expect,
    expected: Value,
    input: PathBuf,
}

/// How a case in scope is checked.
enum Check {
    Rules { rules: Vec<String>, resources: Option<Vec<String>> },
    PolicyPublic,
    PolicyParses,
}

enum Scope {
    In(Check),
    /// Why not: a short kind for the table, and the detail.
    Out {
        kind: &'static str,
        detail: String,
    },
}

/// `tests/conformance/concerns.json`: concern, peer rule and case entries.
struct Concerns {
    concerns: Map<String, Value>,
    peer_rules: Map<String, Value>,
    cases: Map<String, Value>,
}

impl Concerns {
    fn load() -> Result<Concerns, String> {
        let value = read_json(&repo_dir().join("tests/conformance/concerns.json"))?;
        let section = |name: &str| value.get(name).and_then(Value::as_object).cloned().unwrap_or_default();
        Ok(Concerns { concerns: section("concerns"), peer_rules: section("peer_rules"), cases: section("cases") })
    }

    fn rule_ids(&self) -> BTreeSet<String> {
        self.concerns
            .values()
            .chain(self.peer_rules.values())
            .chain(self.cases.values())
            .filter_map(|entry| entry.get("rules").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    }

    fn scope(&self, case: &Case) -> Scope {
        if !READ_FORMATS.contains(&case.format.as_str()) {
            return Scope::Out { kind: "format not read", detail: case.format.clone() };
        }
        let peer_rule = format!("{}:{}", case.source, case.expected["rule"]["id"].as_str().unwrap_or_default());
        let entry = self
            .cases
            .get(&case.key)
            .or_else(|| self.peer_rules.get(&peer_rule))
            .or_else(|| self.concerns.get(&case.concern));
        let Some(entry) = entry else {
            return Scope::Out {
                kind: "no Keyhole rule for the concern",
                detail: format!("{}: not in concerns.json", case.concern),
            };
        };
        match entry.get("evaluator").and_then(Value::as_str) {
            Some("policy-public") => return Scope::In(Check::PolicyPublic),
            Some("policy-parses") => return Scope::In(Check::PolicyParses),
            _ => {}
        }
        let rules: Vec<String> = strings(entry.get("rules"));
        if rules.is_empty() {
            let reason = entry.get("reason").and_then(Value::as_str).unwrap_or("no reason given");
            return Scope::Out {
                kind: "no Keyhole rule for the concern",
                detail: format!("{}: {reason}", case.concern),
            };
        }
        let resources = entry.get("resources").map(|v| strings(Some(v)));
        Scope::In(Check::Rules { rules, resources })
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

fn load_cases(corpus: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    let mut sources: Vec<PathBuf> = list_dirs(corpus)?;
    sources.sort();
    for source_dir in sources {
        let source = file_name(&source_dir);
        let mut dirs = list_dirs(&source_dir)?;
        dirs.sort();
        for dir in dirs {
            let expected_path = dir.join("expected.json");
            if !expected_path.is_file() {
                continue;
            }
            let expected = read_json(&expected_path)?;
            let input = fs::read_dir(&dir)
                .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| file_name(path).starts_with("input."))
                .ok_or_else(|| format!("{} has no input.* file", dir.display()))?;
            let expect = match expected["expect"].as_str() {
                Some("flag") => Expect::Flag,
                Some("clean") => Expect::Clean,
                other => return Err(format!("{}: expect is {other:?}", expected_path.display())),
            };
            cases.push(Case {
                key: format!("{source}/{}", file_name(&dir)),
                source: source.clone(),
                format: expected["format"].as_str().unwrap_or_default().to_string(),
                concern: expected["concern"].as_str().unwrap_or_default().to_string(),
                expect,
                expected,
                input,
            });
        }
    }
    Ok(cases)
}

fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Resources of an input, as the corpus names them

/// One resource of the input file: where it sits and the names the corpus
/// may use for it.
struct Located {
    pointer: Vec<String>,
    aliases: Vec<String>,
    label: String,
}

fn locate(format: &str, document: &Value) -> Vec<Located> {
    let mut out = Vec::new();
    match format {
        "cloudformation" => {
            for (logical_id, resource) in document.get("Resources").and_then(Value::as_object).into_iter().flatten() {
                let type_name = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
                out.push(Located {
                    pointer: vec!["Resources".to_string(), logical_id.clone()],
                    // cfn_nag and KICS name the logical id; Checkov `<Type>.<LogicalId>`.
                    aliases: vec![logical_id.clone(), format!("{type_name}.{logical_id}")],
                    label: logical_id.clone(),
                });
            }
        }
        "arm" => arm_walk(document, document, &mut Vec::new(), None, &mut out),
        "tfplan" => tf_walk(document, &mut Vec::new(), &mut out),
        "gcp-cai" => {
            for (index, asset) in document.as_array().into_iter().flatten().enumerate() {
                if let Some(name) = asset.get("name").and_then(Value::as_str) {
                    out.push(Located {
                        pointer: vec![index.to_string()],
                        aliases: vec![name.to_string()],
                        label: name.to_string(),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// ARM resources at any depth: templates, Blueprint artifacts
/// (`properties.template`), nested deployments and child resources.
/// `parent` is the full type and name of the resource whose own `resources`
/// array is being read.
fn arm_walk<'a>(
    value: &'a Value,
    template: &'a Value,
    pointer: &mut Vec<String>,
    parent: Option<(&str, &str)>,
    out: &mut Vec<Located>,
) {
    match value {
        Value::Object(map) => {
            // The template whose variables and parameters names refer to.
            let template = if map.contains_key("resources")
                && ["variables", "parameters", "contentVersion", "$schema"].iter().any(|k| map.contains_key(*k))
            {
                value
            } else {
                template
            };
            for (key, child) in map {
                pointer.push(key.clone());
                if key == "resources" {
                    if let Value::Array(items) = child {
                        for (index, item) in items.iter().enumerate() {
                            pointer.push(index.to_string());
                            arm_resource(item, template, pointer, parent, out);
                            pointer.pop();
                        }
                    }
                } else {
                    arm_walk(child, template, pointer, None, out);
                }
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointer.push(index.to_string());
                arm_walk(item, template, pointer, None, out);
                pointer.pop();
            }
        }
        _ => {}
    }
}

fn arm_resource(
    item: &Value,
    template: &Value,
    pointer: &mut Vec<String>,
    parent: Option<(&str, &str)>,
    out: &mut Vec<Located>,
) {
    let (Some(type_name), Some(name)) =
        (item.get("type").and_then(Value::as_str), item.get("name").and_then(Value::as_str))
    else {
        arm_walk(item, template, pointer, None, out);
        return;
    };
    // A nested child's type and name are relative to its parent's.
    let (full_type, full_name) = match parent {
        Some((parent_type, parent_name)) if !type_name.contains('.') => {
            (format!("{parent_type}/{type_name}"), format!("{parent_name}/{name}"))
        }
        _ => (type_name.to_string(), name.to_string()),
    };
    let mut aliases = vec![name.to_string(), format!("{type_name}.{name}"), format!("{full_type}.{full_name}")];
    if let Some(regula) = regula_id(&full_type, &full_name) {
        aliases.push(regula);
    }
    if let Some(resolved) = arm_resolve(template, name) {
        aliases.push(format!("{type_name}.{resolved}"));
        aliases.push(resolved);
    }
    out.push(Located { pointer: pointer.clone(), aliases, label: format!("{full_type}.{full_name}") });
    arm_walk(item, template, pointer, Some((&full_type, &full_name)), out);
}

/// A resource name `[variables('x')]` or `[parameters('x')]` resolved in its
/// template, as Checkov names resources.
fn arm_resolve(template: &Value, name: &str) -> Option<String> {
    let inner = name.strip_prefix('[')?.strip_suffix(']')?;
    let (function, rest) = inner.split_once("('")?;
    let key = rest.strip_suffix("')")?;
    let value = match function {
        "variables" => template.get("variables")?.get(key)?,
        "parameters" => template.get("parameters")?.get(key)?.get("defaultValue")?,
        _ => return None,
    };
    value.as_str().map(str::to_string)
}

/// Regula's ARM id: `<namespace>/<type>/<name>[/<child type>/<name>]`.
fn regula_id(full_type: &str, full_name: &str) -> Option<String> {
    let mut types = full_type.split('/');
    let namespace = types.next()?;
    let types: Vec<&str> = types.collect();
    let names: Vec<&str> = full_name.split('/').collect();
    if types.len() != names.len() {
        return None;
    }
    let mut id = namespace.to_string();
    for (type_name, name) in types.iter().zip(&names) {
        id.push('/');
        id.push_str(type_name);
        id.push('/');
        id.push_str(name);
    }
    Some(id)
}

/// Terraform resources wherever `terraform show -json` puts them (planned
/// values, resource changes, prior state, state values), named by address.
/// The configuration's addresses are module-relative, so it is skipped.
fn tf_walk(value: &Value, pointer: &mut Vec<String>, out: &mut Vec<Located>) {
    match value {
        Value::Object(map) => {
            if let (Some(address), Some(_)) =
                (map.get("address").and_then(Value::as_str), map.get("type").and_then(Value::as_str))
            {
                out.push(Located {
                    pointer: pointer.clone(),
                    aliases: vec![address.to_string()],
                    label: address.to_string(),
                });
            }
            for (key, child) in map {
                if pointer.is_empty() && key == "configuration" {
                    continue;
                }
                pointer.push(key.clone());
                tf_walk(child, pointer, out);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointer.push(index.to_string());
                tf_walk(item, pointer, out);
                pointer.pop();
            }
        }
        _ => {}
    }
}

fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// The resources a finding is about. `touched`: every resource holding one of
/// its evidence pointers, or named by its resource name or id. `primary`: the
/// resource named by its name or id, else the innermost one holding its first
/// evidence pointer.
struct Attribution {
    touched: BTreeSet<usize>,
    primary: BTreeSet<usize>,
}

fn attribute(finding: &Finding, located: &[Located]) -> Attribution {
    let by_name: BTreeSet<usize> = located
        .iter()
        .enumerate()
        .filter(|(_, l)| l.aliases.iter().any(|a| *a == finding.resource.name || *a == finding.resource.id))
        .map(|(i, _)| i)
        .collect();
    let holders = |pointer: &str| -> Vec<usize> {
        let tokens = pointer_tokens(pointer);
        located.iter().enumerate().filter(|(_, l)| tokens.starts_with(&l.pointer)).map(|(i, _)| i).collect()
    };
    let mut touched = by_name.clone();
    for evidence in &finding.evidence {
        touched.extend(holders(&evidence.pointer));
    }
    let primary = if by_name.is_empty() {
        finding
            .evidence
            .first()
            .and_then(|e| holders(&e.pointer).into_iter().max_by_key(|&i| located[i].pointer.len()))
            .into_iter()
            .collect()
    } else {
        by_name
    };
    Attribution { touched, primary }
}

// ---------------------------------------------------------------------------
// Verdicts

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Failure {
    /// Keyhole could not read the input (format not yet supported, or an error).
    Unreadable,
    /// A mapped rule is not in the registry.
    RuleMissing,
    /// The runner could not find a resource the case names.
    Runner,
    /// Keyhole read it and answered differently.
    Mismatch,
}

struct Outcome {
    failure: Option<Failure>,
    /// What Keyhole answered, in a phrase.
    answer: String,
}

impl Outcome {
    fn pass(answer: impl Into<String>) -> Outcome {
        Outcome { failure: None, answer: answer.into() }
    }
    fn fail(failure: Failure, answer: impl Into<String>) -> Outcome {
        Outcome { failure: Some(failure), answer: answer.into() }
    }
}

fn run_case(case: &Case, check: &Check, registered: &BTreeSet<String>) -> Outcome {
    let input = read_json(&case.input).ok();
    match check {
        Check::PolicyPublic | Check::PolicyParses => {
            let Some(input) = input else { return Outcome::fail(Failure::Runner, "input is not JSON") };
            let document = match (check, case.format.as_str()) {
                (Check::PolicyParses, _) => as_if_public(input),
                (_, "iam-policy-statement") => serde_json::json!({ "Statement": [input] }),
                _ => input,
            };
            let evaluation = evaluate(&document, PolicyKind::Resource("s3"));
            let answer = format!("{:?}", evaluation.access);
            let matches = match check {
                Check::PolicyParses => unconditioned(&document).iter().all(|index| {
                    let pointer = format!("/Statement/{index}");
                    evaluation.statements.iter().any(|s| s.pointer == pointer && s.access == Access::Public)
                }),
                _ => match case.expect {
                    Expect::Flag => evaluation.access == Access::Public,
                    Expect::Clean => evaluation.access == Access::NotPublic,
                },
            };
            if matches {
                Outcome::pass(answer)
            } else {
                let notes: Vec<&str> = evaluation.statements.iter().map(|s| s.note.as_str()).collect();
                Outcome::fail(Failure::Mismatch, format!("{answer}: {}", notes.join(" ")))
            }
        }
        Check::Rules { rules, resources } => {
            let present: Vec<&String> = rules.iter().filter(|r| registered.contains(*r)).collect();
            if present.is_empty() {
                return Outcome::fail(Failure::RuleMissing, format!("rule(s) {} not registered", rules.join(", ")));
            }
            let bytes = match fs::read(&case.input) {
                Ok(bytes) => bytes,
                Err(e) => return Outcome::fail(Failure::Runner, format!("cannot read input: {e}")),
            };
            let name = file_name(&case.input);
            let report = audit(&[InputFile { name: &name, bytes: &bytes }], &Options::default());
            let located = input.as_ref().map(|doc| locate(&case.format, doc)).unwrap_or_default();
            if std::env::var("KEYHOLE_CONFORMANCE_DEBUG").is_ok_and(|v| v == case.key) {
                debug(&report, &located);
            }
            judge(case, rules, resources.as_deref(), &report, &located)
        }
    }
}

/// An identity policy names no Principal, since it applies to whoever holds
/// it. To check that the evaluator reads its statements, each is given the
/// anonymous principal: then every `Allow` without a condition must come out
/// public, whatever its actions and resources look like.
fn as_if_public(mut policy: Value) -> Value {
    if let Some(statements) = policy.get_mut("Statement") {
        if statements.is_object() {
            *statements = Value::Array(vec![statements.take()]);
        }
        for statement in statements.as_array_mut().into_iter().flatten() {
            if let Some(map) = statement.as_object_mut() {
                if !map.contains_key("Principal") && !map.contains_key("NotPrincipal") {
                    map.insert("Principal".to_string(), Value::String("*".to_string()));
                }
            }
        }
    }
    policy
}

/// The indexes of the `Allow` statements that carry no condition.
fn unconditioned(policy: &Value) -> Vec<usize> {
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, s)| s.get("Condition").is_none() && s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .map(|(index, _)| index)
        .collect()
}

fn judge(case: &Case, rules: &[String], resources: Option<&[String]>, report: &Report, located: &[Located]) -> Outcome {
    let summary = report.inputs.first();
    if let Some(error) = summary.and_then(|s| s.error.as_deref()) {
        return Outcome::fail(Failure::Unreadable, format!("unreadable: {error}"));
    }
    if summary.and_then(|s| s.format.as_deref()).is_none() {
        return Outcome::fail(Failure::Unreadable, "unreadable: no format recognised");
    }
    let format = summary.and_then(|s| s.format.clone()).unwrap_or_default();
    let mapped: Vec<(&Finding, Attribution)> = report
        .findings
        .iter()
        .filter(|f| rules.iter().any(|r| *r == f.rule))
        .map(|f| (f, attribute(f, located)))
        .collect();
    let details = &case.expected["details"];

    let find = |name: &str| -> Result<usize, Outcome> {
        located.iter().position(|l| l.aliases.iter().any(|a| a == name)).ok_or_else(|| {
            Outcome::fail(
                Failure::Runner,
                format!("runner: the case names `{name}`, which it cannot find in the input"),
            )
        })
    };
    let resolve = |names: &[String]| -> Result<Vec<usize>, Outcome> {
        let mut out: Vec<usize> = Vec::new();
        for name in names {
            let index = find(name)?;
            if !out.contains(&index) {
                out.push(index);
            }
        }
        Ok(out)
    };
    let failing_names = failing(case, details);
    let passing_names = match resources {
        Some(list) => list.to_vec(),
        None => passing(case, details),
    };
    let checked_names = strings(details.get("checked_resources_in_file"));
    let (failing, passing, checked) = match (resolve(&failing_names), resolve(&passing_names), resolve(&checked_names))
    {
        (Ok(f), Ok(p), Ok(c)) => (f, p, c),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return e,
    };
    let describe = |f: &Finding, a: &Attribution| -> String {
        let on: Vec<&str> = a.primary.iter().map(|&i| located[i].label.as_str()).collect();
        let on = if on.is_empty() { f.resource.name.clone() } else { on.join(", ") };
        format!("{} {} on {on}", f.rule, verdict_name(f.verdict))
    };
    let decisive = |f: &Finding| f.verdict != Verdict::Unknown;
    let mut problems: Vec<String> = Vec::new();

    match case.expect {
        Expect::Flag => {
            if failing.is_empty() {
                let in_scope = |a: &Attribution| checked.is_empty() || checked.iter().any(|c| a.touched.contains(c));
                if !mapped.iter().any(|(f, a)| decisive(f) && in_scope(a)) {
                    match mapped.iter().find(|(_, a)| in_scope(a)) {
                        Some((f, a)) => problems.push(format!("only {}", describe(f, a))),
                        None => problems.push("no finding".to_string()),
                    }
                }
            }
            for &index in &failing {
                if mapped.iter().any(|(f, a)| decisive(f) && a.touched.contains(&index)) {
                    continue;
                }
                match mapped.iter().find(|(_, a)| a.touched.contains(&index)) {
                    Some((f, a)) => problems.push(format!("only {}", describe(f, a))),
                    None => problems.push(format!("no finding on {}", located[index].label)),
                }
            }
            for &index in &passing {
                for (f, a) in mapped.iter().filter(|(_, a)| a.primary.contains(&index)) {
                    problems.push(format!("also {} (expected to pass)", describe(f, a)));
                }
            }
        }
        Expect::Clean => {
            let relevant = if passing.is_empty() { checked } else { passing };
            for (f, a) in &mapped {
                if relevant.is_empty() || relevant.iter().any(|r| a.primary.contains(r)) {
                    problems.push(describe(f, a));
                }
            }
        }
    }
    if problems.is_empty() {
        Outcome::pass(match case.expect {
            Expect::Flag => "flag",
            Expect::Clean => "clean",
        })
    } else {
        problems.dedup();
        let read = summary.map(|s| s.resources).unwrap_or_default();
        Outcome::fail(Failure::Mismatch, format!("{} [read as {format}, {read} resources]", problems.join("; ")))
    }
}

/// With `KEYHOLE_CONFORMANCE_DEBUG=<source>/<case_id>`: what Keyhole read and
/// found, and where the runner located the corpus's resources.
fn debug(report: &Report, located: &[Located]) {
    for input in &report.inputs {
        println!(
            "input {} format {:?} resources {} error {:?}",
            input.file, input.format, input.resources, input.error
        );
        for skipped in &input.skipped {
            println!("  skipped {} {}", skipped.pointer, skipped.reason);
        }
        for note in &input.notes {
            println!("  note {note}");
        }
    }
    for finding in &report.findings {
        println!(
            "finding {} {} on {} ({}, {}): {}",
            finding.rule,
            verdict_name(finding.verdict),
            finding.resource.name,
            finding.resource.type_name,
            finding.resource.id,
            finding.message
        );
        for evidence in &finding.evidence {
            println!("  at {} {:?}: {}", evidence.pointer, evidence.inner, evidence.note);
        }
    }
    for l in located {
        println!("located /{} {:?}", l.pointer.join("/"), l.aliases);
    }
}

/// The resources a `flag` case names as failing, in every source's words.
fn failing(case: &Case, details: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for finding in details.get("expected_findings").and_then(Value::as_array).into_iter().flatten() {
        if let Some(resource) = finding.get("resource").and_then(Value::as_str) {
            names.push(resource.to_string());
        }
    }
    for key in [
        "expected_offending_logical_ids",
        "expected_failing_resources",
        "expected_invalid_resources",
        "expected_violating_assets",
    ] {
        names.extend(strings(details.get(key)));
    }
    if case.expect == Expect::Flag {
        if let Some(asset) = details.get("asset_name").and_then(Value::as_str) {
            names.push(asset.to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The resources a case names as passing.
fn passing(case: &Case, details: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for key in ["expected_passing_resources", "expected_valid_resources", "expected_clean_assets"] {
        names.extend(strings(details.get(key)));
    }
    if case.expect == Expect::Clean {
        for key in ["asset_name", "resource"] {
            if let Some(name) = details.get(key).and_then(Value::as_str) {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Public => "public",
        Verdict::Exposed => "exposed",
        Verdict::Weak => "weak",
        Verdict::Unknown => "unknown",
    }
}

// ---------------------------------------------------------------------------
// The table

#[derive(Default, Clone, Copy)]
struct Tally {
    cases: usize,
    pass: usize,
    deviation: usize,
}

fn table(title: &str, rows: &BTreeMap<String, Tally>) -> String {
    let mut out = format!("\n{title:<44} {:>5} {:>5} {:>5} {:>5} {:>7}\n", "cases", "pass", "dev", "fail", "rate");
    for (name, t) in rows {
        let fail = t.cases - t.pass - t.deviation;
        let rate = if t.cases == 0 { 0.0 } else { 100.0 * t.pass as f64 / t.cases as f64 };
        let _ = writeln!(out, "{name:<44} {:>5} {:>5} {:>5} {fail:>5} {rate:>6.1}%", t.cases, t.pass, t.deviation);
    }
    out
}

#[test]
fn conformance() {
    let corpus = corpus_dir();
    if !corpus.is_dir() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let why = format!(
            "the conformance corpus is missing: {} is not a directory (set KEYHOLE_CORPUS to a corpus laid out as <source>/<case_id>/{{input.*,expected.json}})",
            corpus.display()
        );
        assert!(!ci, "{why}; under CI=true the suite must run");
        println!("conformance skipped: {why}");
        return;
    }
    let concerns = Concerns::load().unwrap_or_else(|e| panic!("{e}"));
    let deviations_value =
        read_json(&repo_dir().join("tests/conformance/deviations.json")).unwrap_or_else(|e| panic!("{e}"));
    let deviations = deviations_value.as_object().cloned().unwrap_or_default();
    let cases = load_cases(&corpus).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cases.is_empty(), "{} holds no cases", corpus.display());

    let registered: BTreeSet<String> = keyhole::rules::registry().iter().map(|r| r.meta().id.to_string()).collect();
    let mut problems: Vec<String> = Vec::new();
    for id in concerns.rule_ids() {
        if !registered.contains(&id) {
            problems.push(format!("concerns.json maps to `{id}`, which the rule registry does not have"));
        }
    }

    let (mut by_source, mut by_format, mut by_concern) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut out_of_scope: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    let mut failures: BTreeMap<Failure, Vec<String>> = BTreeMap::new();
    let (mut total, mut passed, mut documented) = (0, 0, 0);
    let mut in_scope_keys = BTreeSet::new();

    for case in &cases {
        let check = match concerns.scope(case) {
            Scope::Out { kind, detail } => {
                *out_of_scope.entry((kind, detail)).or_default() += 1;
                if deviations.contains_key(&case.key) {
                    problems.push(format!("{}: listed as a deviation but out of scope; unlist it", case.key));
                }
                continue;
            }
            Scope::In(check) => check,
        };
        in_scope_keys.insert(case.key.clone());
        total += 1;
        let outcome = run_case(case, &check, &registered);
        let deviation = deviations.get(&case.key);
        let tallies = [
            by_source.entry(case.source.clone()).or_insert_with(Tally::default),
            by_format.entry(case.format.clone()).or_insert_with(Tally::default),
            by_concern.entry(case.concern.clone()).or_insert_with(Tally::default),
        ];
        let (pass, dev) = match (&outcome.failure, deviation) {
            (None, None) => (true, false),
            (None, Some(_)) => {
                problems.push(format!(
                    "{}: listed as a deviation but Keyhole now matches ({}); unlist it",
                    case.key, outcome.answer
                ));
                (true, false)
            }
            (Some(Failure::Mismatch), Some(entry)) if documented_reason(entry) => (false, true),
            (Some(failure), _) => {
                let expect = match case.expect {
                    Expect::Flag => "flag",
                    Expect::Clean => "clean",
                };
                failures.entry(*failure).or_default().push(format!(
                    "{} [{} {}]: expected {expect}; Keyhole: {}",
                    case.key, case.format, case.concern, outcome.answer
                ));
                (false, false)
            }
        };
        for tally in tallies {
            tally.cases += 1;
            tally.pass += usize::from(pass);
            tally.deviation += usize::from(dev);
        }
        passed += usize::from(pass);
        documented += usize::from(dev);
    }
    for key in deviations.keys() {
        if !cases.iter().any(|c| c.key == *key) {
            problems.push(format!("{key}: listed as a deviation but not in the corpus; unlist it"));
        }
    }

    let mut text = format!("conformance over {} ({} cases)\n", corpus.display(), cases.len());
    text.push_str(&table("by source (in scope)", &by_source));
    text.push_str(&table("by format (in scope)", &by_format));
    text.push_str(&table("by concern (in scope)", &by_concern));
    let _ = writeln!(text, "\nout of scope: {} cases", out_of_scope.values().sum::<usize>());
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for ((kind, _), count) in &out_of_scope {
        *kinds.entry(kind).or_default() += count;
    }
    for (kind, count) in &kinds {
        let _ = writeln!(text, "  {kind}: {count}");
        for ((_, detail), n) in out_of_scope.iter().filter(|((k, _), _)| k == kind) {
            let _ = writeln!(text, "    {n:>3}  {detail}");
        }
    }
    for (failure, list) in &failures {
        let _ = writeln!(text, "\nfailing, {failure:?} ({}):", list.len());
        for line in list {
            let _ = writeln!(text, "  {line}");
        }
    }
    for problem in &problems {
        let _ = writeln!(text, "problem: {problem}");
    }
    let _ = writeln!(text, "\n{documented} documented deviations");
    let _ = writeln!(text, "conformance: {passed}/{total} cases pass");
    println!("{text}");

    let failing: usize = failures.values().map(Vec::len).sum();
    assert!(
        failing == 0 && problems.is_empty(),
        "{failing} in-scope cases neither pass nor are documented deviations, and {} problems (see the table above)",
        problems.len()
    );
}

/// A deviation entry must say what Keyhole answers and why that is better.
fn documented_reason(entry: &Value) -> bool {
    let filled = |key: &str| entry.get(key).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    filled("keyhole") && filled("reason")
}

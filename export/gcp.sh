#!/usr/bin/env bash
# Keyhole Google Cloud exporter (export/gcp.sh)
#
# Reads the configuration Keyhole audits from Google Cloud projects and writes
# ONE gzipped "Keyhole GCP export bundle" (docs/gcp-export-bundle.md, marked
# "keyhole": "gcp-export/1"). Drop that file into Keyhole's page.
#
# Run it in Google Cloud Shell, where bash, gcloud and bq are already installed:
#
#   bash gcp.sh                          # the current project (gcloud config get-value project)
#   bash gcp.sh --project dealer-prod
#   bash gcp.sh --folder 123456789012    # every active project under the folder
#   bash gcp.sh --organization 987654321098
#   bash gcp.sh --output my-org.json.gz
#
# What it does:
#   - runs only the read-only gcloud and bq commands named below, and refuses
#     to run anything else; never offers to enable an API;
#   - never reads data: no object listing or download, no table rows, no
#     query, no secret values. It reads configuration and IAM policies only;
#   - wraps each call's raw JSON output (or its error) with the command that
#     made it. A call that fails (permission denied, an API not enabled) is
#     recorded and the export carries on, so the report can say what could
#     not be checked;
#   - sends nothing anywhere: the file is written to the current directory.
#
# What it reads: for --folder and --organization, the projects under it, with
# gcloud asset search-all-resources (Project assets only) and gcloud projects
# describe (for each project's id). Then per project: storage buckets list and
# storage buckets get-iam-policy per bucket; sql instances list; compute
# firewall-rules list; compute images list (the project's own images) and
# compute images get-iam-policy per image; functions list and functions
# get-iam-policy per function; bq ls and bq show per dataset (the dataset's
# settings and access list, never its tables' rows).
#
# Minimal roles, on the project, folder or organization:
#   roles/viewer (Viewer) and roles/iam.securityReviewer (Security Reviewer),
#   for the settings and the IAM policies; plus, for --folder and
#   --organization, roles/cloudasset.viewer (Cloud Asset Viewer), to find the
#   projects. A project where an API is not enabled has nothing of that kind:
#   the call is recorded as failed and the report says so.
#
# Needs bash 4.4+, gcloud and bq (the Google Cloud SDK); no jq, no Python of
# its own.

set -euo pipefail

readonly KEYHOLE_EXPORTER_VERSION="0.1.0"

# Never prompt (a prompt to enable an API would be a write), and keep the
# outputs free of colour and survey messages.
export CLOUDSDK_CORE_DISABLE_PROMPTS="1"
export CLOUDSDK_CORE_SHOULD_PROMPT_TO_ENABLE_API="false"
export CLOUDSDK_SURVEY_DISABLE_PROMPTS="1"
export CLOUDSDK_CORE_DISABLE_COLOR="true"

die() {
  printf 'gcp.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: bash gcp.sh [--project ID | --folder ID | --organization ID] [--output FILE]

Writes one gzipped Keyhole GCP export bundle describing the configuration of a
project, or of every active project under a folder or organization.
Read-only; reads no data contents.

  --project ID       read this project (default: gcloud's current project)
  --folder ID        read every active project under this folder (numeric id)
  --organization ID  read every active project in this organization (numeric id)
  --output FILE      where to write the bundle
                     (default: keyhole-gcp-<scope>-<YYYYMMDD>.json.gz)
  -h, --help         show this help

Minimal roles: Viewer and Security Reviewer; plus Cloud Asset Viewer for
--folder and --organization.
EOF
}

scope_kind=""
scope_id=""
output=""
set_scope() {
  [[ -z "$scope_kind" ]] || die "give only one of --project, --folder and --organization"
  [[ -n "$2" ]] || die "--$1 needs a value"
  scope_kind="$1"
  scope_id="$2"
}
while (($# > 0)); do
  case "$1" in
    --project | --folder | --organization)
      (($# >= 2)) || die "$1 needs a value"
      set_scope "${1#--}" "$2"
      shift 2
      ;;
    --project=* | --folder=* | --organization=*)
      kind="${1%%=*}"
      set_scope "${kind#--}" "${1#*=}"
      shift
      ;;
    --output | -o)
      (($# >= 2)) || die "--output needs a file name"
      output="$2"
      shift 2
      ;;
    --output=*)
      output="${1#*=}"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      die "unknown argument: $1 (try --help)"
      ;;
  esac
done

case "$scope_kind" in
  folder | organization)
    [[ "$scope_id" =~ ^[0-9]+$ ]] || die "--$scope_kind needs the numeric id, for example --$scope_kind 123456789012"
    ;;
  project)
    [[ "$scope_id" =~ ^[a-z0-9:.-]+$ ]] || die "not a project id: '$scope_id'"
    ;;
esac

command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed or not on PATH (Google Cloud Shell has it)"
command -v gzip >/dev/null 2>&1 || die "gzip is not installed"
((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))) ||
  die "needs bash 4.4 or later (this is $BASH_VERSION)"
have_bq=1
command -v bq >/dev/null 2>&1 || have_bq=0


work="$(mktemp -d "${TMPDIR:-/tmp}/keyhole-gcp.XXXXXXXX")"
cleanup() {
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each call becomes one file in $calls, numbered, joined in order at the end.
calls="$work/calls"
mkdir -- "$calls"
seq=0
nerr=0

# ---------------------------------------------------------------- helpers

# json_string VALUE: print VALUE as a JSON string literal. Control characters
# other than tab, newline and carriage return are dropped; so are bytes outside
# ASCII, so the bundle is always valid UTF-8 (project, bucket and dataset names
# are ASCII).
json_string() {
  local s
  s="$(printf '%s' "$1" | LC_ALL=C tr -d '\000-\010\013\014\016-\037\177-\377')"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\t'/\\t}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  printf '"%s"' "$s"
}

# json_params KEY VALUE [KEY VALUE...]: print {"KEY":"VALUE",...}.
json_params() {
  local out=""
  while (($# >= 2)); do
    out="${out:+$out,}$(json_string "$1"):$(json_string "$2")"
    shift 2
  done
  printf '{%s}' "$out"
}

# read_only COMMAND: refuse anything but the read-only commands this script is
# meant to run (no `storage objects list`, no `bq query` or `bq head`).
read_only() {
  case "$1" in
    "asset search-all-resources" | "projects describe" | \
      "storage buckets list" | "storage buckets get-iam-policy" | \
      "sql instances list" | "compute firewall-rules list" | \
      "compute images list" | "compute images get-iam-policy" | \
      "functions list" | "functions get-iam-policy" | \
      "bq ls" | "bq show") ;;
    *) die "internal error: refusing to run $1 (not on the read-only list)" ;;
  esac
}

# tool_cmd COMMAND [ARGS...]: fill the array `cmd` (gcloud, or bq for bq *).
tool_cmd() {
  local command="$1"
  local -a words
  shift
  read_only "$command"
  read -r -a words <<<"$command"
  if [[ "${words[0]}" == "bq" ]]; then
    # bq takes its global flags (--format, --project_id) before the command:
    # ARGS are GLOBAL_FLAGS... -- COMMAND_ARGS...
    local -a globals=()
    while (($# > 0)) && [[ "$1" != "--" ]]; do
      globals+=("$1")
      shift
    done
    (($# == 0)) || shift
    cmd=(bq --headless "${globals[@]}" "${words[1]}" "$@")
  else
    cmd=(gcloud "${words[@]}" "$@" --quiet)
  fi
}

# call_head COMMAND PROJECT PARAMS: print the start of a call object.
call_head() {
  printf '{"command":%s' "$(json_string "$1")"
  if [[ -n "$2" ]]; then
    printf ',"project":%s' "$(json_string "$2")"
  fi
  printf ',"params":%s' "$3"
}

# record_error COMMAND PROJECT PARAMS: write a failed call from the tool's
# stderr in $work/err.
record_error() {
  local text call_file
  text="$(cat -- "$work/err")"
  text="${text#"${text%%[![:space:]]*}"}"
  text="${text%"${text##*[![:space:]]}"}"
  text="${text:0:2000}"
  [[ -n "$text" ]] || text="ERROR: the command failed without a message"
  seq=$((seq + 1))
  nerr=$((nerr + 1))
  printf -v call_file '%s/%06d.json' "$calls" "$seq"
  {
    call_head "$1" "$2" "$3"
    printf ',"error":%s}' "$(json_string "$text")"
  } >"$call_file"
  text="${text%%$'\n'*}"
  printf '      failed: %s\n' "${text:0:160}" >&2
}

# tool_call COMMAND PROJECT PARAMS [ARGS...]
# Runs one read-only command and records its raw JSON output, or its error.
tool_call() {
  local command="$1" project="$2" params="$3" call_file
  shift 3
  local -a cmd
  tool_cmd "$command" "$@"
  printf '    %s%s\n' "$command" "${label:+ $label}" >&2
  if "${cmd[@]}" >"$work/out" 2>"$work/err" </dev/null; then
    seq=$((seq + 1))
    printf -v call_file '%s/%06d.json' "$calls" "$seq"
    {
      call_head "$command" "$project" "$params"
      printf ',"output":'
      if grep -q '[^[:space:]]' "$work/out"; then
        cat -- "$work/out"
      else
        # bq ls prints nothing when there are no datasets.
        printf '[]'
      fi
      printf '}'
    } >"$call_file"
    return 0
  fi
  record_error "$command" "$project" "$params"
  return 1
}

# tool_rows COMMAND PROJECT [ARGS...]: run a listing for names only (with
# gcloud's --format=value(...)), rows into $work/rows. Not recorded, as the
# JSON listing before it was; a failure here is recorded, unless
# record_rows_failure=0.
tool_rows() {
  local command="$1" project="$2"
  shift 2
  local -a cmd
  tool_cmd "$command" "$@"
  if "${cmd[@]}" >"$work/rows" 2>"$work/err" </dev/null; then
    return 0
  fi
  : >"$work/rows"
  if [[ "${record_rows_failure:-1}" == 1 ]]; then
    record_error "$command" "$project" "{}"
  fi
  return 1
}

# for_each_name NAMES COMMAND PROJECT PARAM_KEY PREFIX [ARGS...]
# One call of COMMAND per name in the file NAMES, with PREFIX+name as its
# argument (gs:// for buckets).
for_each_name() {
  local names="$1" command="$2" project="$3" key="$4" prefix="$5" name n i=0
  shift 5
  cp -- "$names" "$work/each"
  n="$(grep -c . "$work/each" || true)"
  while IFS= read -r name; do
    [[ -n "$name" ]] || continue
    i=$((i + 1))
    label="$name ($i/$n)"
    tool_call "$command" "$project" "$(json_params "$key" "$name")" "$prefix$name" "$@" || true
  done <"$work/each"
  label=""
}

# ---------------------------------------------------------------- per project

export_project() {
  local p="$1" name environment region function dataset n i

  if tool_call "storage buckets list" "$p" "{}" --project="$p" --format=json &&
    tool_rows "storage buckets list" "$p" --project="$p" --format="value(name)"; then
    for_each_name "$work/rows" "storage buckets get-iam-policy" "$p" bucket "gs://" --format=json
  fi

  tool_call "sql instances list" "$p" "{}" --project="$p" --format=json || true
  tool_call "compute firewall-rules list" "$p" "{}" --project="$p" --format=json || true

  if tool_call "compute images list" "$p" "{}" --project="$p" --no-standard-images --format=json &&
    tool_rows "compute images list" "$p" --project="$p" --no-standard-images --format="value(name)"; then
    for_each_name "$work/rows" "compute images get-iam-policy" "$p" image "" --project="$p" --format=json
  fi

  if tool_call "functions list" "$p" "{}" --project="$p" --format=json &&
    tool_rows "functions list" "$p" --project="$p" --format="value(name,environment)"; then
    cp -- "$work/rows" "$work/functions"
    n="$(grep -c . "$work/functions" || true)"
    i=0
    # name is projects/P/locations/REGION/functions/NAME. Current gcloud reads
    # the policy of either generation without a --gen2 flag.
    while IFS=$'\t' read -r name environment; do
      [[ "$name" == projects/*/locations/*/functions/* ]] || continue
      region="${name#projects/*/locations/}"
      region="${region%%/*}"
      function="${name##*/}"
      i=$((i + 1))
      label="$function ($i/$n)"
      tool_call "functions get-iam-policy" "$p" \
        "$(json_params function "$function" region "$region" environment "${environment:-GEN_1}")" \
        "$function" --region="$region" --project="$p" --format=json || true
    done <"$work/functions"
    label=""
  fi

  if ((have_bq == 0)); then
    printf '    bq is not installed: BigQuery datasets are not read\n' >&2
    printf 'bq: command not found (BigQuery datasets were not read)\n' >"$work/err"
    record_error "bq ls" "$p" "$(json_params project "$p")"
    return 0
  fi
  # bq lists 50 datasets unless told otherwise.
  if tool_call "bq ls" "$p" "$(json_params project "$p")" --format=json --project_id="$p" -- --max_results=10000; then
    # Dataset ids are letters, digits and underscores: safe to pick out of the JSON.
    grep -o '"datasetId": *"[A-Za-z0-9_]*"' -- "$work/out" | sed 's/.*"\([A-Za-z0-9_]*\)"$/\1/' >"$work/datasets" || true
    n="$(grep -c . "$work/datasets" || true)"
    i=0
    while IFS= read -r dataset; do
      [[ -n "$dataset" ]] || continue
      i=$((i + 1))
      label="$dataset ($i/$n)"
      tool_call "bq show" "$p" "$(json_params dataset "$p:$dataset")" --format=json -- "$p:$dataset" || true
    done <"$work/datasets"
    label=""
  fi
}

# ---------------------------------------------------------------- start

label=""
sdk_version="$(gcloud version 2>/dev/null </dev/null | head -n 1 || true)"

projects=()
case "$scope_kind" in
  "")
    scope_id="$(gcloud config get-value project 2>/dev/null </dev/null || true)"
    scope_id="${scope_id//[[:space:]]/}"
    [[ -n "$scope_id" && "$scope_id" != "(unset)" ]] ||
      die "no project selected: give --project ID, --folder ID or --organization ID"
    [[ "$scope_id" =~ ^[a-z0-9:.-]+$ ]] || die "not a project id: '$scope_id'"
    scope_kind="project"
    projects=("$scope_id")
    ;;
  project)
    projects=("$scope_id")
    ;;
  *)
    scope="${scope_kind}s/$scope_id"
    printf 'Finding the projects under %s...\n' "$scope" >&2
    if ! tool_rows "asset search-all-resources" "" --scope="$scope" \
      --asset-types=cloudresourcemanager.googleapis.com/Project --query="state:ACTIVE" --format="value(name)"; then
      die "could not list the projects under $scope (gcloud asset search-all-resources failed; it needs the Cloud Asset API enabled and roles/cloudasset.viewer there). Use --project for one project."
    fi
    # Asset names: //cloudresourcemanager.googleapis.com/projects/NUMBER-OR-ID.
    cp -- "$work/rows" "$work/found"
    while IFS= read -r name; do
      name="${name##*/}"
      [[ -n "$name" ]] || continue
      # The asset name may hold the project number; gcloud accepts either.
      if record_rows_failure=0 tool_rows "projects describe" "" "$name" --format="value(projectId)"; then
        id="$(head -n 1 -- "$work/rows")"
        projects+=("${id//[[:space:]]/}")
      else
        projects+=("$name")
      fi
    done <"$work/found"
    ((${#projects[@]} > 0)) || die "no active project found under $scope"
    ;;
esac
for p in "${projects[@]}"; do
  [[ "$p" =~ ^[a-z0-9:.-]+$ ]] || die "unexpected project id: '$p'"
done

if [[ -z "$output" ]]; then
  output="keyhole-gcp-${scope_kind}-${scope_id//:/-}-$(date -u +%Y%m%d).json.gz"
fi
# Fail now, not after the export, if the output cannot be written.
out_dir="$(dirname -- "$output")"
if [[ ! -d "$out_dir" || ! -w "$out_dir" || (-e "$output" && ! -w "$output") ]]; then
  die "cannot write $output"
fi

printf 'Keyhole GCP export of %d project(s).\n' "${#projects[@]}" >&2
printf 'Read-only: configuration and IAM policies only; no data contents.\n' >&2

for ((k = 0; k < ${#projects[@]}; k++)); do
  printf '[%d/%d] project %s\n' "$((k + 1))" "${#projects[@]}" "${projects[k]}" >&2
  export_project "${projects[k]}"
done

# ---------------------------------------------------------------- write

bundle="$work/bundle.json"
{
  printf '{"keyhole":"gcp-export/1"'
  printf ',\n"generated":%s' "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  printf ',\n"generator":%s' "$(json_string "export/gcp.sh $KEYHOLE_EXPORTER_VERSION; ${sdk_version:-Google Cloud SDK}")"
  if ((${#projects[@]} == 1)); then
    printf ',\n"project":%s' "$(json_string "${projects[0]}")"
  fi
  printf ',\n"calls":['
} >"$bundle"

shopt -s nullglob
call_files=("$calls"/*.json)
shopt -u nullglob
sep=$'\n'
for f in "${call_files[@]}"; do
  printf '%s' "$sep" >>"$bundle"
  cat -- "$f" >>"$bundle"
  sep=$',\n'
done
printf '\n]}\n' >>"$bundle"

gzip -9 -c -- "$bundle" >"$work/bundle.json.gz"
mv -f -- "$work/bundle.json.gz" "$output"

printf '\nWrote %s: %d calls' "$output" "${#call_files[@]}" >&2
if ((nerr > 0)); then
  printf ', %d failed (Keyhole lists them as not checked)' "$nerr" >&2
fi
printf '.\n' >&2
printf 'Next: drop this file into the Keyhole page. In Cloud Shell, fetch it with More > Download, path: %s\n' \
  "$(cd -- "$(dirname -- "$output")" && pwd)/$(basename -- "$output")" >&2

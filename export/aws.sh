#!/usr/bin/env bash
# Keyhole AWS exporter (export/aws.sh)
#
# Reads the configuration Keyhole audits from one AWS account and writes ONE
# gzipped "Keyhole AWS export bundle" (docs/aws-export-bundle.md, marked
# "keyhole": "aws-export/1"). Drop that file into Keyhole's page.
#
# Run it in AWS CloudShell, where bash and the aws CLI are already installed:
#
#   bash aws.sh                                  # every region enabled for the account
#   bash aws.sh --regions ap-southeast-2,us-east-1
#   bash aws.sh --output my-account.json.gz
#
# What it does:
#   - runs only read-only `aws ... get-*`, `list-*` and `describe-*` commands,
#     and refuses to run anything else;
#   - never reads data: no object listing or download, no queue messages, no
#     secret values, no table rows. It reads configuration and policies only;
#   - wraps each call's raw JSON output (or its error) with the call that made
#     it. A call that fails (AccessDenied, a service not offered in a region)
#     is recorded and the export carries on, so the report can say what could
#     not be checked;
#   - sends nothing anywhere: the file is written to the current directory.
#
# What it reads (S3 buckets and IAM roles are account-wide and read once):
#   sts get-caller-identity; iam get-account-authorization-details --filter Role;
#   s3control get-public-access-block; s3api list-buckets and, per bucket,
#   get-bucket-location, -acl, -policy, get-public-access-block,
#   get-bucket-ownership-controls, -encryption, -logging, -tagging.
#   Per region: ec2 describe-security-groups, describe-instances,
#   describe-snapshots (own) + describe-snapshot-attribute createVolumePermission,
#   describe-images (own), describe-volumes; rds describe-db-instances,
#   describe-db-snapshots + describe-db-snapshot-attributes (manual snapshots),
#   describe-db-cluster-snapshots + describe-db-cluster-snapshot-attributes;
#   redshift describe-clusters; sqs get-queue-attributes; sns
#   get-topic-attributes; lambda list-functions, get-policy,
#   list-function-url-configs; kms get-key-policy (customer-managed keys);
#   ecr get-repository-policy; secretsmanager get-resource-policy (the policy,
#   never the value); opensearch describe-domains.
#   Listing calls used only to find names (ec2 describe-regions, sqs
#   list-queues, sns list-topics, kms list-keys and list-aliases, ecr
#   describe-repositories, secretsmanager list-secrets, opensearch
#   list-domain-names) are recorded only when they fail.
#
# Minimal permissions: the AWS managed policy SecurityAudit
# (arn:aws:iam::aws:policy/SecurityAudit) allows every call above. Function
# URLs are read with lambda list-function-url-configs (lambda:List*, which
# SecurityAudit grants), not get-function-url-config (which it does not).
# sts get-caller-identity needs no permission.
#
# Environment:
#   AWS_ENDPOINT_URL or KEYHOLE_AWS_ENDPOINT_URL  when set, passed to every call
#     as --endpoint-url (used by the tests to point the script at an emulator).
#   KEYHOLE_AWS_JOBS  how many calls run at once (default 4, at most 16).
#   The usual AWS variables (AWS_PROFILE, AWS_REGION, credentials) apply.
#
# Needs bash 4.4+ and the aws CLI (v2, or v1 >= 1.29); no jq, no Python.

set -euo pipefail

readonly KEYHOLE_EXPORTER_VERSION="0.1.0"

# CLI v2 would otherwise page long outputs through `less` in CloudShell, or
# prompt for parameters when auto-prompt is configured.
export AWS_PAGER=""
export AWS_CLI_AUTO_PROMPT="off"
# Keep non-ASCII tag values from breaking the CLI's output under a C locale.
export PYTHONIOENCODING="utf-8"

die() {
  printf 'aws.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: bash aws.sh [--regions r1,r2,...] [--output FILE]

Writes one gzipped Keyhole AWS export bundle describing the configuration of
the account your credentials belong to. Read-only; reads no data contents.

  --regions LIST   comma-separated regions to read (default: every region
                   enabled for the account, from `aws ec2 describe-regions`)
  --output FILE    where to write the bundle
                   (default: keyhole-aws-<account>-<YYYYMMDD>.json.gz)
  -h, --help       show this help

Minimal role: the AWS managed policy SecurityAudit.
EOF
}

regions_arg=""
output=""
while (($# > 0)); do
  case "$1" in
    --regions)
      (($# >= 2)) || die "--regions needs a value, for example --regions ap-southeast-2,us-east-1"
      regions_arg="$2"
      shift 2
      ;;
    --regions=*)
      regions_arg="${1#*=}"
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

command -v aws >/dev/null 2>&1 || die "the aws CLI is not installed or not on PATH (AWS CloudShell has it)"
command -v gzip >/dev/null 2>&1 || die "gzip is not installed"
((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))) ||
  die "needs bash 4.4 or later (this is $BASH_VERSION)"

endpoint="${KEYHOLE_AWS_ENDPOINT_URL:-${AWS_ENDPOINT_URL:-}}"
max_jobs="${KEYHOLE_AWS_JOBS:-4}"
if [[ ! "$max_jobs" =~ ^[0-9]+$ ]] || ((max_jobs < 1 || max_jobs > 16)); then
  die "KEYHOLE_AWS_JOBS must be a number from 1 to 16"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/keyhole-aws.XXXXXXXX")"
cleanup() {
  # Stop any call still running (after Ctrl-C), then remove the work files.
  local pids
  pids="$(jobs -p)"
  if [[ -n "$pids" ]]; then
    # shellcheck disable=SC2086 # one pid per word
    kill $pids 2>/dev/null || true
    wait 2>/dev/null || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each call becomes one file in $calls: <task>-<seq>.ok.json or .err.json,
# joined in name order at the end. Tasks run in parallel subshells, each with
# its own scratch directory, so no two writers share a file.
calls="$work/calls"
mkdir -- "$calls"

task_id="main"
seq=0
scratch="$work/task-main"
mkdir -- "$scratch"
target=""

# ---------------------------------------------------------------- helpers

# json_string VALUE: print VALUE as a JSON string literal. Control characters
# other than tab, newline and carriage return, and bytes outside ASCII, are
# dropped so the bundle is always valid UTF-8 JSON (AWS names and ids are ASCII).
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

# json_param KEY VALUE: print {"KEY":"VALUE"}.
json_param() {
  printf '{%s:%s}' "$(json_string "$1")" "$(json_string "$2")"
}

# call_head SERVICE OPERATION REGION PARAMS: print the start of a call object.
# REGION "-" means an account-wide call: no region is recorded.
call_head() {
  printf '{"service":%s,"operation":%s' "$(json_string "$1")" "$(json_string "$2")"
  if [[ "$3" != "-" ]]; then
    printf ',"region":%s' "$(json_string "$3")"
  fi
  printf ',"params":%s' "$4"
}

# next_call_file KIND: set $call_file to this task's next call file
# (KIND ok or err).
next_call_file() {
  seq=$((seq + 1))
  printf -v call_file '%s/%s-%05d.%s.json' "$calls" "$task_id" "$seq" "$1"
}

# error_fields: print ,"error":{...}} from the CLI's stderr in $scratch/err.
error_fields() {
  local text code message re
  text="$(cat -- "$scratch/err")"
  # Trim surrounding whitespace and cap the length.
  text="${text#"${text%%[![:space:]]*}"}"
  text="${text%"${text##*[![:space:]]}"}"
  text="${text:0:2000}"
  re='An error occurred \(([^)]+)\) when calling the [A-Za-z0-9]+ operation[^:]*: (.*)'
  if [[ "$text" =~ $re ]]; then
    code="${BASH_REMATCH[1]}"
    message="${BASH_REMATCH[2]}"
  else
    message="$text"
    case "$text" in
      *"Could not connect to the endpoint URL"*) code="EndpointConnectionError" ;;
      *"Connect timeout on endpoint URL"*) code="ConnectTimeoutError" ;;
      *"Read timeout on endpoint URL"*) code="ReadTimeoutError" ;;
      *"Unable to locate credentials"*) code="NoCredentialsError" ;;
      *"Invalid choice"*) code="UnsupportedCommand" ;;
      *) code="CliError" ;;
    esac
  fi
  [[ -n "$message" ]] || message="the aws CLI failed without a message"
  printf ',"error":{"code":%s,"message":%s}}' "$(json_string "$code")" "$(json_string "$message")"
}

# aws_cmd REGION SERVICE OPERATION [ARGS...]: fill the array `cmd` with a
# read-only aws CLI command. Anything but get-*, list-* and describe-* is refused.
aws_cmd() {
  local region="$1" service="$2" operation="$3"
  shift 3
  case "$operation" in
    get-* | list-* | describe-*) ;;
    *) die "internal error: refusing to run non-read-only operation $service $operation" ;;
  esac
  cmd=(aws "$service" "$operation")
  if [[ "$region" == "-" ]]; then
    cmd+=(--region "$home_region")
  else
    cmd+=(--region "$region")
  fi
  if [[ -n "$endpoint" ]]; then
    cmd+=(--endpoint-url "$endpoint")
  fi
  cmd+=("$@")
}

# note REGION TEXT...: a progress line for one call inside a step.
note() {
  local where="$1"
  [[ "$where" != "-" ]] || where="account"
  shift
  printf '      %s %s\n' "$where" "$*" >&2
}

# aws_call REGION SERVICE OPERATION PARAMS [ARGS...]
# Runs one read-only call and records it: its raw JSON output, or its error.
# Returns 0 when the call succeeded (output left in $scratch/out).
aws_call() {
  local region="$1" service="$2" operation="$3" params="$4" call_file
  shift 4
  local -a cmd
  aws_cmd "$region" "$service" "$operation" "$@" --output json
  if [[ -n "$target" ]]; then
    note "$region" "$service $operation $target"
  fi
  if "${cmd[@]}" >"$scratch/out" 2>"$scratch/err" </dev/null; then
    next_call_file ok
    {
      call_head "$service" "$operation" "$region" "$params"
      printf ',"output":'
      if grep -q '[^[:space:]]' "$scratch/out"; then
        cat -- "$scratch/out"
      else
        # The CLI prints nothing for an empty response.
        printf '{}'
      fi
      printf '}'
    } >"$call_file"
    return 0
  fi
  next_call_file err
  {
    call_head "$service" "$operation" "$region" "$params"
    error_fields
  } >"$call_file"
  return 1
}

# list_names REGION SERVICE OPERATION QUERY [ARGS...]
# Lists names or ids with the CLI's own --query and --output text, one per
# line into $scratch/ids. The output is not recorded (Keyhole does not read
# it); a failure is, so the report says what could not be listed, unless
# record_list_failure=0.
list_names() {
  local region="$1" service="$2" operation="$3" query="$4" tok call_file
  shift 4
  local -a cmd toks
  aws_cmd "$region" "$service" "$operation" "$@" --query "$query || \`[]\`" --output text
  : >"$scratch/ids"
  if "${cmd[@]}" >"$scratch/names" 2>"$scratch/err" </dev/null; then
    while IFS=$' \t' read -r -a toks || ((${#toks[@]} > 0)); do
      for tok in "${toks[@]}"; do
        [[ -z "$tok" ]] || printf '%s\n' "$tok"
      done
      toks=()
    done <"$scratch/names" >"$scratch/ids"
    return 0
  fi
  if [[ "${record_list_failure:-1}" == 0 ]]; then
    return 1
  fi
  next_call_file err
  {
    call_head "$service" "$operation" "$region" "{}"
    error_fields
  } >"$call_file"
  return 1
}

# for_each_name REGION SERVICE OPERATION PARAM_KEY CLI_FLAG [EXTRA ARGS...]
# One call per name listed in $scratch/ids.
for_each_name() {
  local region="$1" service="$2" operation="$3" key="$4" flag="$5" name n i=0
  shift 5
  cp -- "$scratch/ids" "$scratch/each"
  n="$(grep -c . "$scratch/each" || true)"
  while IFS= read -r name; do
    i=$((i + 1))
    target="$name ($i/$n)"
    # --flag=value, so a name that starts with "-" is not read as an option.
    aws_call "$region" "$service" "$operation" "$(json_param "$key" "$name")" "$flag=$name" "$@" || true
  done <"$scratch/each"
  target=""
}

# ---------------------------------------------------------------- tasks
# Each task is one step of the progress count and runs in its own subshell.

task_simple() { # REGION SERVICE OPERATION [ARGS...]
  local region="$1" service="$2" operation="$3"
  shift 3
  aws_call "$region" "$service" "$operation" "{}" "$@" || true
}

task_account_bpa() {
  aws_call - s3control get-public-access-block "$(json_param AccountId "$account")" \
    --account-id "$account" || true
}

task_bucket() { # BUCKET
  local bucket="$1" p loc op bucket_region="$home_region"
  p="$(json_param Bucket "$bucket")"
  if aws_call - s3api get-bucket-location "$p" --bucket "$bucket"; then
    loc="$(sed -n 's/^[[:space:]]*"LocationConstraint":[[:space:]]*"\([A-Za-z0-9-]*\)".*/\1/p' -- "$scratch/out")"
    case "$loc" in
      "") bucket_region="us-east-1" ;;
      EU) bucket_region="eu-west-1" ;;
      *) [[ ! "$loc" =~ ^[a-z0-9-]+$ ]] || bucket_region="$loc" ;;
    esac
  fi
  for op in get-bucket-acl get-bucket-policy get-public-access-block get-bucket-ownership-controls \
    get-bucket-encryption get-bucket-logging get-bucket-tagging; do
    aws_call "$bucket_region" s3api "$op" "$p" --bucket "$bucket" || true
  done
}

task_ec2_snapshots() { # REGION
  local region="$1"
  if aws_call "$region" ec2 describe-snapshots "{}" --owner-ids self &&
    list_names "$region" ec2 describe-snapshots 'Snapshots[].SnapshotId' --owner-ids self; then
    for_each_name "$region" ec2 describe-snapshot-attribute SnapshotId --snapshot-id \
      --attribute createVolumePermission
  fi
}

task_rds_snapshots() { # REGION
  local region="$1"
  if aws_call "$region" rds describe-db-snapshots "{}" &&
    list_names "$region" rds describe-db-snapshots 'DBSnapshots[].DBSnapshotIdentifier' \
      --snapshot-type manual; then
    for_each_name "$region" rds describe-db-snapshot-attributes DBSnapshotIdentifier \
      --db-snapshot-identifier
  fi
}

task_rds_cluster_snapshots() { # REGION
  local region="$1"
  if aws_call "$region" rds describe-db-cluster-snapshots "{}" &&
    list_names "$region" rds describe-db-cluster-snapshots \
      'DBClusterSnapshots[].DBClusterSnapshotIdentifier' --snapshot-type manual; then
    for_each_name "$region" rds describe-db-cluster-snapshot-attributes DBClusterSnapshotIdentifier \
      --db-cluster-snapshot-identifier
  fi
}

task_sqs() { # REGION
  local region="$1"
  if list_names "$region" sqs list-queues 'QueueUrls'; then
    for_each_name "$region" sqs get-queue-attributes QueueUrl --queue-url --attribute-names All
  fi
}

task_sns() { # REGION
  local region="$1"
  if list_names "$region" sns list-topics 'Topics[].TopicArn'; then
    for_each_name "$region" sns get-topic-attributes TopicArn --topic-arn
  fi
}

task_lambda() { # REGION
  local region="$1"
  if aws_call "$region" lambda list-functions "{}" &&
    list_names "$region" lambda list-functions 'Functions[].FunctionName'; then
    cp -- "$scratch/ids" "$scratch/functions"
    for_each_name "$region" lambda get-policy FunctionName --function-name
    cp -- "$scratch/functions" "$scratch/ids"
    # Every URL of the function, aliases included; an empty list when it has none.
    for_each_name "$region" lambda list-function-url-configs FunctionName --function-name
  fi
}

task_kms() { # REGION
  local region="$1"
  # AWS managed keys (aliases alias/aws/*) have AWS-written policies: skip them
  # when the aliases can be listed. If they cannot, nothing goes unchecked
  # (every key's policy is read), so that failure is not recorded.
  : >"$scratch/aws-managed"
  if record_list_failure=0 list_names "$region" kms list-aliases \
    "Aliases[?starts_with(AliasName, 'alias/aws/')].TargetKeyId"; then
    cp -- "$scratch/ids" "$scratch/aws-managed"
  fi
  if list_names "$region" kms list-keys 'Keys[].KeyId'; then
    grep -v -x -F -f "$scratch/aws-managed" -- "$scratch/ids" >"$scratch/cmk" || true
    cp -- "$scratch/cmk" "$scratch/ids"
    for_each_name "$region" kms get-key-policy KeyId --key-id --policy-name default
  fi
}

task_ecr() { # REGION
  local region="$1"
  if list_names "$region" ecr describe-repositories 'repositories[].repositoryName'; then
    for_each_name "$region" ecr get-repository-policy repositoryName --repository-name
  fi
}

task_secrets() { # REGION
  local region="$1"
  if list_names "$region" secretsmanager list-secrets 'SecretList[].Name'; then
    for_each_name "$region" secretsmanager get-resource-policy SecretId --secret-id
  fi
}

task_opensearch() { # REGION
  local region="$1" d k names_json
  local -a domains batch
  if list_names "$region" opensearch list-domain-names 'DomainNames[].DomainName'; then
    # describe-domains takes at most 5 names per call.
    domains=()
    while IFS= read -r d; do
      domains+=("$d")
    done <"$scratch/ids"
    for ((k = 0; k < ${#domains[@]}; k += 5)); do
      batch=("${domains[@]:k:5}")
      names_json=""
      for d in "${batch[@]}"; do
        names_json="${names_json:+$names_json,}$(json_string "$d")"
      done
      target="${batch[*]}"
      aws_call "$region" opensearch describe-domains "{\"DomainNames\":[$names_json]}" \
        --domain-names "${batch[@]}" || true
      target=""
    done
  fi
}

# ---------------------------------------------------------------- task pool

step=0
total_steps=0
running=0
failed_tasks=0

# reap_one: wait for any running task to finish.
reap_one() {
  if ! wait -n; then
    failed_tasks=$((failed_tasks + 1))
  fi
  running=$((running - 1))
}

# start_task LABEL FUNCTION [ARGS...]: run FUNCTION in the background with its
# own scratch directory, once fewer than $max_jobs tasks are running.
start_task() {
  local label="$1"
  shift
  while ((running >= max_jobs)); do
    reap_one
  done
  step=$((step + 1))
  printf '[%d/%d] %s\n' "$step" "$total_steps" "$label" >&2
  run_task "$@" &
  running=$((running + 1))
}

# run_task FUNCTION [ARGS...]: the body of one background task.
run_task() {
  local task_id seq=0 scratch
  printf -v task_id 't%05d' "$step"
  scratch="$work/task-$task_id"
  mkdir -- "$scratch"
  "$@"
  rm -rf -- "$scratch"
}

# ---------------------------------------------------------------- start

home_region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [[ -z "$home_region" ]]; then
  home_region="$(aws configure get region 2>/dev/null || true)"
fi
home_region="${home_region:-us-east-1}"

cli_version="$(aws --version 2>&1 </dev/null || true)"
cli_version="${cli_version%%$'\n'*}"

# Who are we? Without working credentials nothing else can be read.
cmd=(aws sts get-caller-identity --region "$home_region" --query Account --output text)
if [[ -n "$endpoint" ]]; then
  cmd+=(--endpoint-url "$endpoint")
fi
if ! account="$("${cmd[@]}" 2>"$scratch/err" </dev/null)"; then
  cat -- "$scratch/err" >&2
  die "could not identify the account (aws sts get-caller-identity failed). Run this in AWS CloudShell, or configure credentials first."
fi
account="${account//[[:space:]]/}"
[[ "$account" =~ ^[0-9]{12}$ ]] || die "unexpected account id from aws sts get-caller-identity: $account"

# Regions.
regions=()
if [[ -n "$regions_arg" ]]; then
  IFS=',' read -r -a regions <<<"${regions_arg//[[:space:]]/}"
else
  printf 'Listing regions...\n' >&2
  if list_names - ec2 describe-regions 'Regions[].RegionName'; then
    while IFS= read -r r; do
      regions+=("$r")
    done <"$scratch/ids"
  else
    printf 'aws.sh: could not list regions; reading %s only. Use --regions to choose.\n' "$home_region" >&2
  fi
  if ((${#regions[@]} == 0)); then
    regions=("$home_region")
  fi
fi
for r in "${regions[@]}"; do
  [[ "$r" =~ ^[a-z0-9-]+$ ]] || die "not a region name: '$r'"
done

# Buckets are account-wide: list them once, then one step per bucket.
printf 'Listing S3 buckets...\n' >&2
buckets=()
if list_names - s3api list-buckets 'Buckets[].Name'; then
  while IFS= read -r b; do
    buckets+=("$b")
  done <"$scratch/ids"
fi

if [[ -z "$output" ]]; then
  output="keyhole-aws-${account}-$(date -u +%Y%m%d).json.gz"
fi
# Fail now, not after the export, if the output cannot be written.
out_dir="$(dirname -- "$output")"
if [[ ! -d "$out_dir" || ! -w "$out_dir" || (-e "$output" && ! -w "$output") ]]; then
  die "cannot write $output"
fi

printf 'Keyhole AWS export of account %s: %d S3 buckets; regions %s\n' \
  "$account" "${#buckets[@]}" "${regions[*]}" >&2
printf 'Read-only: configuration and policies only, no data contents. Up to %d calls at a time.\n' \
  "$max_jobs" >&2

region_tasks=16
total_steps=$((4 + ${#buckets[@]} + region_tasks * ${#regions[@]}))

start_task "account sts get-caller-identity" task_simple - sts get-caller-identity
start_task "account iam get-account-authorization-details" \
  task_simple - iam get-account-authorization-details --filter Role
start_task "account s3control get-public-access-block" task_account_bpa
start_task "account s3api list-buckets" task_simple - s3api list-buckets
for b in "${buckets[@]}"; do
  start_task "s3api bucket $b" task_bucket "$b"
done

for region in "${regions[@]}"; do
  start_task "$region ec2 describe-security-groups" task_simple "$region" ec2 describe-security-groups
  start_task "$region ec2 describe-instances" task_simple "$region" ec2 describe-instances
  start_task "$region ec2 describe-snapshots" task_ec2_snapshots "$region"
  start_task "$region ec2 describe-images" task_simple "$region" ec2 describe-images --owners self
  start_task "$region ec2 describe-volumes" task_simple "$region" ec2 describe-volumes
  start_task "$region rds describe-db-instances" task_simple "$region" rds describe-db-instances
  start_task "$region rds describe-db-snapshots" task_rds_snapshots "$region"
  start_task "$region rds describe-db-cluster-snapshots" task_rds_cluster_snapshots "$region"
  start_task "$region redshift describe-clusters" task_simple "$region" redshift describe-clusters
  start_task "$region sqs get-queue-attributes" task_sqs "$region"
  start_task "$region sns get-topic-attributes" task_sns "$region"
  start_task "$region lambda list-functions" task_lambda "$region"
  start_task "$region kms get-key-policy" task_kms "$region"
  start_task "$region ecr get-repository-policy" task_ecr "$region"
  start_task "$region secretsmanager get-resource-policy" task_secrets "$region"
  start_task "$region opensearch describe-domains" task_opensearch "$region"
done

while ((running > 0)); do
  reap_one
done

# ---------------------------------------------------------------- write

bundle="$work/bundle.json"
{
  printf '{"keyhole":"aws-export/1"'
  printf ',\n"generated":%s' "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  printf ',\n"generator":%s' "$(json_string "export/aws.sh $KEYHOLE_EXPORTER_VERSION; $cli_version")"
  printf ',\n"account":%s' "$(json_string "$account")"
  printf ',\n"calls":['
} >"$bundle"

# The main shell's own failed listings (regions, buckets) go first.
shopt -s nullglob
call_files=("$calls"/main-*.json "$calls"/t*.json)
shopt -u nullglob
nerr=0
sep=$'\n'
for f in "${call_files[@]}"; do
  [[ "$f" != *.err.json ]] || nerr=$((nerr + 1))
  printf '%s' "$sep" >>"$bundle"
  cat -- "$f" >>"$bundle"
  sep=$',\n'
done
printf '\n]}\n' >>"$bundle"

gzip -9 -c -- "$bundle" >"$work/bundle.json.gz"
mv -f -- "$work/bundle.json.gz" "$output"

printf '\nWrote %s: %d calls' "$output" "${#call_files[@]}" >&2
if ((nerr > 0)); then
  printf ', %d answered with an error (some errors are answers, such as "no bucket policy"; Keyhole lists the others as not checked)' \
    "$nerr" >&2
fi
printf '.\n' >&2
if ((failed_tasks > 0)); then
  printf 'aws.sh: warning: %d export steps stopped early (see the messages above); the file is incomplete.\n' \
    "$failed_tasks" >&2
fi
printf 'Next: drop this file into the Keyhole page. In CloudShell, fetch it with Actions > Download file, path: %s\n' \
  "$(cd -- "$(dirname -- "$output")" && pwd)/$(basename -- "$output")" >&2
if ((failed_tasks > 0)); then
  exit 1
fi

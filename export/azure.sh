#!/usr/bin/env bash
# Keyhole Azure exporter (export/azure.sh)
#
# Reads the configuration Keyhole audits from Azure subscriptions and writes
# ONE gzipped "Keyhole Azure export bundle" (docs/azure-export-bundle.md,
# marked "keyhole": "azure-export/1"). Drop that file into Keyhole's page.
#
# Run it in Azure Cloud Shell (Bash), where bash and az are already installed:
#
#   bash azure.sh                                  # every enabled subscription you can read
#   bash azure.sh --subscription 11111111-2222-3333-4444-555555555555
#   bash azure.sh --output my-tenant.json.gz
#
# What it does:
#   - runs only the read-only `az ... list` and `az ... show` commands named
#     below, and refuses to run anything else;
#   - never reads data: no blob listing or download, no keys, no connection
#     strings, no secret values, no table rows. Containers are read through
#     Azure Resource Manager (`az storage container-rm list`, the Reader role),
#     not the storage data plane;
#   - wraps each call's raw JSON output (or its error) with the command that
#     made it. A call that fails (AuthorizationFailed, a provider not
#     registered) is recorded and the export carries on, so the report can
#     say what could not be checked;
#   - sends nothing anywhere: the file is written to the current directory.
#
# What it reads, per subscription: resource list (resource types only, to skip
# services the subscription does not use; recorded only when it fails);
# storage account list, storage container-rm list per account; network nsg
# list; sql server list, sql server firewall-rule list per server; postgres and
# mysql flexible-server list and firewall-rule list per server; postgres and
# mysql server list and firewall-rule list (single servers, when there are
# any); cosmosdb list; keyvault list (names) and keyvault show per vault.
#
# Minimal role: Reader (built-in) on each subscription. Nothing else.
#
# Needs bash 4.4+ and az (Azure CLI 2.x); no jq, no Python of its own.

set -euo pipefail

readonly KEYHOLE_EXPORTER_VERSION="0.1.0"

# No colour codes, no telemetry prompt, no survey message in the outputs.
export AZURE_CORE_NO_COLOR="true"
export AZURE_CORE_SURVEY_MESSAGE="false"
export AZURE_CORE_ONLY_SHOW_ERRORS="true"

die() {
  printf 'azure.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: bash azure.sh [--subscription ID] [--output FILE]

Writes one gzipped Keyhole Azure export bundle describing the configuration of
the subscriptions you can read. Read-only; reads no data contents.

  --subscription ID  read only this subscription (id or name; default: every
                     enabled subscription `az account list` shows)
  --output FILE      where to write the bundle
                     (default: keyhole-azure-<YYYYMMDD>.json.gz)
  -h, --help         show this help

Minimal role: Reader on each subscription.
EOF
}

subscription_arg=""
output=""
while (($# > 0)); do
  case "$1" in
    --subscription)
      (($# >= 2)) || die "--subscription needs a value, for example --subscription 11111111-2222-3333-4444-555555555555"
      subscription_arg="$2"
      shift 2
      ;;
    --subscription=*)
      subscription_arg="${1#*=}"
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

command -v az >/dev/null 2>&1 || die "the az CLI is not installed or not on PATH (Azure Cloud Shell has it)"
command -v gzip >/dev/null 2>&1 || die "gzip is not installed"
((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))) ||
  die "needs bash 4.4 or later (this is $BASH_VERSION)"

work="$(mktemp -d "${TMPDIR:-/tmp}/keyhole-azure.XXXXXXXX")"
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
# ASCII, so the bundle is always valid UTF-8 (Azure ids and names are ASCII).
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
# meant to run. `... list` alone is not enough: `storage account keys list`
# and `cosmosdb keys list` return secrets, `storage blob list` reads data.
read_only() {
  case "$1" in
    "account show" | "account list" | "resource list" | \
      "storage account list" | "storage container-rm list" | \
      "network nsg list" | \
      "sql server list" | "sql server firewall-rule list" | \
      "postgres flexible-server list" | "postgres flexible-server firewall-rule list" | \
      "mysql flexible-server list" | "mysql flexible-server firewall-rule list" | \
      "postgres server list" | "postgres server firewall-rule list" | \
      "mysql server list" | "mysql server firewall-rule list" | \
      "cosmosdb list" | "keyvault list" | "keyvault show") ;;
    *) die "internal error: refusing to run az $1 (not on the read-only list)" ;;
  esac
}

# az_cmd COMMAND SUBSCRIPTION [ARGS...]: fill the array `cmd`.
az_cmd() {
  local command="$1" subscription="$2"
  local -a words
  shift 2
  read_only "$command"
  read -r -a words <<<"$command"
  cmd=(az "${words[@]}" "$@" --only-show-errors)
  if [[ -n "$subscription" ]]; then
    cmd+=(--subscription "$subscription")
  fi
}

# call_head COMMAND SUBSCRIPTION PARAMS: print the start of a call object.
call_head() {
  printf '{"command":%s' "$(json_string "$1")"
  if [[ -n "$2" ]]; then
    printf ',"subscription":%s' "$(json_string "$2")"
  fi
  printf ',"params":%s' "$3"
}

# record_error COMMAND SUBSCRIPTION PARAMS: write a failed call from the
# CLI's stderr in $work/err.
record_error() {
  local text call_file
  text="$(cat -- "$work/err")"
  text="${text#"${text%%[![:space:]]*}"}"
  text="${text%"${text##*[![:space:]]}"}"
  text="${text:0:2000}"
  [[ -n "$text" ]] || text="ERROR: the az CLI failed without a message"
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

# az_call COMMAND SUBSCRIPTION PARAMS [ARGS...]
# Runs one read-only command and records its raw JSON output, or its error.
az_call() {
  local command="$1" subscription="$2" params="$3" call_file
  shift 3
  local -a cmd
  az_cmd "$command" "$subscription" "$@" --output json
  printf '    az %s%s\n' "$command" "${label:+ $label}" >&2
  if "${cmd[@]}" >"$work/out" 2>"$work/err" </dev/null; then
    seq=$((seq + 1))
    printf -v call_file '%s/%06d.json' "$calls" "$seq"
    {
      call_head "$command" "$subscription" "$params"
      printf ',"output":'
      if grep -q '[^[:space:]]' "$work/out"; then
        cat -- "$work/out"
      else
        printf '[]'
      fi
      printf '}'
    } >"$call_file"
    return 0
  fi
  # A flag this az version does not know (see for_each_row): not recorded,
  # the caller retries with the older flag.
  if [[ -n "${usage_retry:-}" ]] &&
    grep -q -E 'unrecognized arguments|the following arguments are required' -- "$work/err"; then
    return 2
  fi
  record_error "$command" "$subscription" "$params"
  return 1
}

# az_rows COMMAND SUBSCRIPTION QUERY [ARGS...]
# Lists values with az's own --query and -o tsv into $work/rows (one row per
# line, tab-separated). Not recorded (Keyhole does not read it) unless it fails.
az_rows() {
  local command="$1" subscription="$2" query="$3"
  shift 3
  local -a cmd
  az_cmd "$command" "$subscription" "$@" --query "$query" --output tsv
  if "${cmd[@]}" >"$work/rows" 2>"$work/err" </dev/null; then
    # az may end tsv lines with CR on some platforms.
    sed -i 's/\r$//' -- "$work/rows"
    return 0
  fi
  : >"$work/rows"
  record_error "$command" "$subscription" "{}"
  return 1
}

# has_type TYPE: true when the subscription holds resources of TYPE, or when
# its resource types could not be listed (then every service is read).
has_type() {
  [[ "$types_known" == 0 ]] || grep -q -x -F -i -- "$1" "$work/types"
}

# for_each_row ROWS COMMAND NAME_PARAM NAME_FLAG [OLD_NAME_FLAG]
# One call of COMMAND per "name<TAB>resource group" row of the file ROWS.
# OLD_NAME_FLAG is tried when this az does not know NAME_FLAG (az 2.86
# renamed `postgres flexible-server firewall-rule list --name` to
# --server-name; Cloud Shell may have either).
for_each_row() {
  local rows="$1" command="$2" key="$3" flag="$4" old_flag="${5:-}" name group n i=0 rc
  cp -- "$rows" "$work/each"
  n="$(grep -c . "$work/each" || true)"
  while IFS=$'\t' read -r name group; do
    [[ -n "$name" && -n "$group" ]] || continue
    i=$((i + 1))
    label="$name ($i/$n)"
    rc=0
    usage_retry="$old_flag" az_call "$command" "$sub" "$(json_params "$key" "$name" resource-group "$group")" \
      "$flag" "$name" --resource-group "$group" || rc=$?
    if ((rc == 2)); then
      az_call "$command" "$sub" "$(json_params "$key" "$name" resource-group "$group")" \
        "$old_flag" "$name" --resource-group "$group" || true
    fi
  done <"$work/each"
  label=""
}

# for_each_server LIST_COMMAND RULE_COMMAND SERVER_FLAG SERVER_PARAM TYPE [OLD_SERVER_FLAG]
# Records the server listing, then each server's firewall rules.
for_each_server() {
  local list="$1" rules="$2" flag="$3" key="$4" type="$5" old_flag="${6:-}"
  has_type "$type" || return 0
  az_call "$list" "$sub" "{}" || return 0
  az_rows "$list" "$sub" "[].[name, resourceGroup]" || return 0
  for_each_row "$work/rows" "$rules" "$key" "$flag" "$old_flag"
}

# ---------------------------------------------------------------- start

label=""
cli_version="$(az version --query '"azure-cli"' --output tsv 2>/dev/null </dev/null || true)"
cli_version="${cli_version%%$'\n'*}"

# Who are we? Without a login nothing else can be read.
if ! az account show --only-show-errors --query id --output tsv >"$work/out" 2>"$work/err" </dev/null; then
  cat -- "$work/err" >&2
  die "could not read the signed-in account (az account show failed). Run this in Azure Cloud Shell, or run az login first."
fi

subscriptions=()
names=()
if [[ -n "$subscription_arg" ]]; then
  if ! az account show --only-show-errors --subscription "$subscription_arg" --query "[id, name]" --output tsv \
    >"$work/rows" 2>"$work/err" </dev/null; then
    cat -- "$work/err" >&2
    die "cannot read subscription $subscription_arg (az account show --subscription failed)"
  fi
  # -o tsv prints the two fields on one line, tab-separated.
  IFS=$'\t' read -r id name <"$work/rows" || true
  subscriptions=("${id//[[:space:]]/}")
  names=("${name%$'\r'}")
else
  printf 'Listing subscriptions...\n' >&2
  if ! az account list --only-show-errors --query "[?state=='Enabled'].[id, name]" --output tsv \
    >"$work/rows" 2>"$work/err" </dev/null; then
    cat -- "$work/err" >&2
    die "could not list subscriptions (az account list failed); name one with --subscription"
  fi
  while IFS=$'\t' read -r id name; do
    id="${id//[[:space:]]/}"
    [[ -n "$id" ]] || continue
    subscriptions+=("$id")
    names+=("${name%$'\r'}")
  done <"$work/rows"
fi
((${#subscriptions[@]} > 0)) || die "no enabled subscription found (az account list shows none)"
for s in "${subscriptions[@]}"; do
  [[ "$s" =~ ^[0-9a-fA-F-]{36}$ ]] || die "unexpected subscription id: '$s'"
done

if [[ -z "$output" ]]; then
  output="keyhole-azure-$(date -u +%Y%m%d).json.gz"
fi
# Fail now, not after the export, if the output cannot be written.
out_dir="$(dirname -- "$output")"
if [[ ! -d "$out_dir" || ! -w "$out_dir" || (-e "$output" && ! -w "$output") ]]; then
  die "cannot write $output"
fi

printf 'Keyhole Azure export of %d subscription(s).\n' "${#subscriptions[@]}" >&2
printf 'Read-only: configuration only, through Azure Resource Manager; no data contents.\n' >&2

for ((k = 0; k < ${#subscriptions[@]}; k++)); do
  sub="${subscriptions[k]}"
  printf '[%d/%d] subscription %s %s\n' "$((k + 1))" "${#subscriptions[@]}" "$sub" "${names[k]:-}" >&2

  # Which resource types are there? Services without resources are skipped.
  types_known=0
  if az_rows "resource list" "$sub" "[].type"; then
    cp -- "$work/rows" "$work/types"
    types_known=1
  fi

  if has_type Microsoft.Storage/storageAccounts && az_call "storage account list" "$sub" "{}" &&
    az_rows "storage account list" "$sub" "[].[name, resourceGroup]"; then
    for_each_row "$work/rows" "storage container-rm list" storage-account --storage-account
  fi

  if has_type Microsoft.Network/networkSecurityGroups; then
    az_call "network nsg list" "$sub" "{}" || true
  fi

  for_each_server "sql server list" "sql server firewall-rule list" --server server Microsoft.Sql/servers
  for_each_server "postgres flexible-server list" "postgres flexible-server firewall-rule list" \
    --server-name server-name Microsoft.DBforPostgreSQL/flexibleServers --name
  for_each_server "mysql flexible-server list" "mysql flexible-server firewall-rule list" \
    --name name Microsoft.DBforMySQL/flexibleServers
  # Single servers are retired; most subscriptions have none, so these run
  # only when the resource list shows some.
  if [[ "$types_known" == 1 ]]; then
    for_each_server "postgres server list" "postgres server firewall-rule list" \
      --server-name server-name Microsoft.DBforPostgreSQL/servers
    for_each_server "mysql server list" "mysql server firewall-rule list" \
      --server-name server-name Microsoft.DBforMySQL/servers
  fi

  if has_type Microsoft.DocumentDB/databaseAccounts; then
    az_call "cosmosdb list" "$sub" "{}" || true
  fi

  # `keyvault list` gives vaults without their settings: show each one.
  if has_type Microsoft.KeyVault/vaults &&
    az_rows "keyvault list" "$sub" "[?type=='Microsoft.KeyVault/vaults'].[name, resourceGroup]"; then
    for_each_row "$work/rows" "keyvault show" name --name
  fi
done

# ---------------------------------------------------------------- write

bundle="$work/bundle.json"
{
  printf '{"keyhole":"azure-export/1"'
  printf ',\n"generated":%s' "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  printf ',\n"generator":%s' "$(json_string "export/azure.sh $KEYHOLE_EXPORTER_VERSION; azure-cli ${cli_version:-unknown}")"
  if ((${#subscriptions[@]} == 1)); then
    printf ',\n"subscription":%s' "$(json_string "${subscriptions[0]}")"
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
printf 'Next: drop this file into the Keyhole page. In Cloud Shell, fetch it with Manage files > Download, path: %s\n' \
  "$(cd -- "$(dirname -- "$output")" && pwd)/$(basename -- "$output")" >&2

#!/usr/bin/env bash
# Installs what the exporter tests (scripts/test-exporters.sh) need:
#   - moto[server], awscli (v1) and boto3 from PyPI, pinned in
#     tests/exporters/requirements.txt, into a virtualenv
#     ($KEYHOLE_EXPORTERS_VENV, default target/exporters-venv);
#   - shellcheck, from Debian (apt-get).
# Safe to re-run: it does nothing when everything is already in place.
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${KEYHOLE_EXPORTERS_VENV:-$root/target/exporters-venv}"
requirements="$root/tests/exporters/requirements.txt"
python="${PYTHON:-python3}"

sudo_cmd=()
if ((EUID != 0)); then
  sudo_cmd=(sudo)
fi
apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || {
    printf 'setup-exporters: please install %s (no apt-get here)\n' "$*" >&2
    exit 1
  }
  if ((apt_updated == 0)); then
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=1
  fi
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The shellcheck linter, from Debian.
if ! command -v shellcheck >/dev/null 2>&1; then
  printf 'setup-exporters: installing shellcheck\n' >&2
  apt_install shellcheck
fi
printf 'setup-exporters: %s\n' "$(shellcheck --version | sed -n 's/^version: /shellcheck /p')" >&2

# The virtualenv with the pinned PyPI packages.
command -v "$python" >/dev/null 2>&1 || apt_install python3
stamp="$venv/.keyhole-requirements.sha256"
want="$(sha256sum -- "$requirements" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat -- "$stamp")" == "$want" ]]; then
  printf 'setup-exporters: %s is up to date\n' "$venv" >&2
else
  rm -rf -- "$venv"
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 needs python3-venv for ensurepip.
    rm -rf -- "$venv"
    apt_install python3-venv
    "$python" -m venv "$venv"
  fi
  printf 'setup-exporters: installing moto[server], awscli and boto3 into %s\n' "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  printf '%s\n' "$want" >"$stamp"
fi
"$venv/bin/aws" --version >&2
"$venv/bin/python" -c 'import moto; print("moto", moto.__version__)' >&2

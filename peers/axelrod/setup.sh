#!/usr/bin/env bash
# Create peers/axelrod/.venv with the pinned axelrod library (requirements.txt).
#
# Idempotent: if the venv exists and was built from the current
# requirements.txt (checked through a hash stamp inside .venv), it does nothing.
# Use `./setup.sh --force` to reinstall into the existing venv, or delete .venv
# to start from scratch. Override the interpreter with PYTHON=python3.x.
#
# Note: axelrod 4.14.0 imports torch unconditionally, and PyPI's Linux x86_64
# torch wheels pull the CUDA runtime wheels, so the venv is about 6 GB.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

PYTHON="${PYTHON:-python3}"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"

force=0
if [[ "${1:-}" == "--force" ]]; then
    force=1
fi

if [[ $force -eq 0 && -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "axelrod venv is up to date ($venv)"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$venv"
fi

start=$(date +%s)
"$venv/bin/python" -m pip install --disable-pip-version-check -r requirements.txt
"$venv/bin/python" - <<'EOF'
import axelrod
assert axelrod.__version__ == "4.14.0", axelrod.__version__
print("axelrod", axelrod.__version__, "imports fine")
EOF
echo "$want" > "$stamp"
end=$(date +%s)
echo "install took $((end - start)) s; venv size: $(du -sh "$venv" | cut -f1)"

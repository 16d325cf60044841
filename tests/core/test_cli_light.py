"""`sciglm verify` and `sciglm plugins` must not import torch or transformers.

The probe blocks and records every *attempt* to import a heavy module (whether or not it is
installed), so the test means the same on a machine without the ``train`` extra.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
HEAVY = ("torch", "transformers", "deepspeed")
attempted = []

class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            attempted.append(name)
            raise ImportError(f"blocked heavy import {name}")
        return None

sys.meta_path.insert(0, Recorder())
mode, *argv = sys.argv[1:]
try:
    if mode == "import":
        __import__(argv[0])
    else:
        sys.argv = ["sciglm"] + argv
        from sciglm.cli.main import main
        main()
except SystemExit:
    pass
except ImportError:
    pass
print("HEAVY=" + ",".join(sorted({name.split(".")[0] for name in attempted})), file=sys.stderr)
"""


def run_probe(mode: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, *args], capture_output=True, text=True, timeout=60
    )
    return done.stderr


def test_the_probe_sees_a_heavy_import() -> None:
    """Control: the probe reports an attempted heavy import (installed or not)."""
    assert "HEAVY=transformers\n" in run_probe("import", "transformers")


def test_verify_does_not_import_torch(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text(
        json.dumps({"id": "1", "subject": "math", "response": "\\boxed{2}", "reference": "2"})
        + "\n",
        encoding="utf-8",
    )
    stderr = run_probe("cli", "verify", str(path), "--output", str(tmp_path / "out.jsonl"))
    assert "HEAVY=\n" in stderr, stderr
    out = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert out["correct"] is True


def test_plugins_does_not_import_torch() -> None:
    stderr = run_probe("cli", "plugins", "--json")
    assert "HEAVY=\n" in stderr, stderr


MISSING = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers", "deepspeed", "accelerate"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
sys.argv = ["sciglm"] + sys.argv[1:]
from sciglm.cli.main import main
main()
"""


def test_commands_needing_the_train_extra_say_how_to_install_it(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"content": "q", "summary": "a"}\n', encoding="utf-8")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    for args in (["train", "--data", str(data), "-o", str(tmp_path / "run")],
                 ["convert", "chatglm3", str(model), str(tmp_path / "out")],
                 ["chat", "--model", str(model)]):
        done = subprocess.run([sys.executable, "-c", MISSING, *args], capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1, (args, done.stderr)
        assert len(lines) == 1 and "pip install 'sciglm[train]'" in lines[0], (args, done.stderr)
        assert lines[0].startswith(f"Error: sciglm {args[0]} needs"), lines

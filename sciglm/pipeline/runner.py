"""Run the pipeline stage by stage. Each stage is the same ``sciglm`` command a user would run,
in its own process (so torch, the teacher server and DeepSpeed never share one interpreter);
a finished stage leaves a marker and is skipped on the next run, an interrupted one resumes
through the command's own resume logic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciglm.config import to_flags
from sciglm.console import console
from sciglm.errors import SciglmError
from sciglm.io.jsonl import read_jsonl
from sciglm.pipeline.config import STAGES, PipelineConfig


@dataclass
class StageResult:
    name: str
    status: str  # done | skipped | cached | failed
    seconds: float = 0.0
    note: str = ""


#: torch.distributed rendezvous variables a stage must not inherit.
RENDEZVOUS = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
              "MASTER_PORT")


class Pipeline:
    """The stages of one run under ``config.output``."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.root = Path(config.output)
        self.markers = self.root / ".stages"
        self.logs = self.root / "logs"
        self.heldout = str(Path(config.heldout).resolve())
        self.results: list[StageResult] = []

    # -- paths ---------------------------------------------------------------------------------
    @property
    def annotated(self) -> Path:
        return self.root / "annotated.jsonl"

    @property
    def kept(self) -> Path:
        return self.root / "filtered" / "kept.jsonl"

    @property
    def mix_dir(self) -> Path:
        return self.root / "mix"

    @property
    def train_dir(self) -> Path:
        return self.root / "train"

    @property
    def model_dir(self) -> Path:
        return self.train_dir / "final"

    # -- running -------------------------------------------------------------------------------
    def sciglm(self, stage: str, *args: str, stdout: Path | None = None) -> None:
        """Run ``sciglm ARGS`` as a child process; its stderr is shown and logged."""
        self.logs.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "sciglm.cli.main", *args]
        log_path = self.logs / f"{stage}.log"
        # The user's environment (HF_HUB_OFFLINE, a GPU's DeepSpeed accelerator…) applies as
        # to any command; each stage is a run of its own, never a rank of another.
        env = {k: v for k, v in os.environ.items() if k not in RENDEZVOUS}
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # spinning OpenMP threads starve the CPU
        console.print(f"[dim]$ sciglm {' '.join(args)}[/]")
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"$ sciglm {' '.join(args)}\n")
            log.flush()
            out = open(stdout, "w", encoding="utf-8") if stdout else subprocess.DEVNULL  # noqa: SIM115
            try:
                process = subprocess.Popen(
                    command, stdout=out, stderr=subprocess.PIPE, text=True, env=env
                )
                assert process.stderr is not None
                for line in process.stderr:
                    log.write(line)
                    log.flush()
                    sys.stderr.write(f"  [{stage}] {line}")
                code = process.wait()
            finally:
                if stdout:
                    out.close()  # type: ignore[union-attr]
        if code != 0:
            raise SciglmError(f"stage {stage!r} failed (exit {code}); its log: {log_path}")

    def stage_annotate(self) -> str:
        from sciglm.annotate.config import AnnotateConfig

        args = [
            "annotate",
            self.config.questions,
            "-o",
            str(self.annotated),
            "--retry-errors",  # on a re-run, redo questions lost to teacher errors
            *to_flags(AnnotateConfig, self.config.teacher),
        ]
        self.sciglm("annotate", *args)
        stages = Counter(r.get("stage", "?") for r in read_jsonl(self.annotated))
        return ", ".join(f"{k} {v}" for k, v in sorted(stages.items()))

    def stage_verify(self) -> str:
        out = self.root / "verified.jsonl"
        summary = self.root / "verify_summary.json"
        self.sciglm(
            "verify",
            "verify",
            str(self.annotated),
            "--output",
            str(out),
            "--skip-invalid",
            "--json",
            stdout=summary,
        )
        total = json.loads(summary.read_text(encoding="utf-8"))["total"]
        return f"{total['correct']}/{total['total']} verified correct"

    def stage_filter(self) -> str:
        self.kept.parent.mkdir(parents=True, exist_ok=True)
        report = self.kept.parent / "report.json"
        self.sciglm(
            "filter",
            "filter",
            str(self.annotated),
            "-o",
            str(self.kept),
            "--rejected",
            str(self.kept.parent / "rejected.jsonl"),
            "--report",
            str(report),
            "--against",
            f"heldout:{self.heldout}:question",
        )
        kept = len(read_jsonl(self.kept))
        if kept == 0:
            raise SciglmError(
                f"the filter kept no record (see {self.kept.parent / 'rejected.jsonl'}): "
                "nothing to train on; use a stronger teacher or more questions"
            )
        return f"{kept} kept"

    def stage_mix(self) -> str:
        self.sciglm(
            "mix",
            "mix",
            "--input",
            str(self.kept),
            "-o",
            str(self.mix_dir),
            "--seed",
            str(self.config.seed),
            "--against",
            f"heldout:{self.heldout}:question",
        )
        count = len(read_jsonl(self.mix_dir / "train.jsonl"))
        return f"{count} training examples"

    def _eval(self, stage: str, model: str) -> str:
        from sciglm.eval.config import EvalConfig

        out = self.root / stage
        args = [
            "eval",
            "--model",
            model,
            "--benchmark",
            f"heldout={self.heldout}:math",
            "-o",
            str(out),
            *to_flags(EvalConfig, self.config.eval),
        ]
        self.sciglm(stage, *args)
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        bench = results["benchmarks"]["heldout"]
        return f"{bench['correct']}/{bench['n']} correct ({bench['accuracy']:.1f}%)"

    def stage_eval_before(self) -> str:
        return self._eval("eval_before", self.config.student["model"])

    def stage_train(self) -> str:
        from sciglm.train.config import TrainConfig

        student = dict(self.config.student)
        args = [
            "train",
            "--data",
            str(self.mix_dir),
            "-o",
            str(self.train_dir),
            "--seed",
            str(self.config.seed),
            *to_flags(TrainConfig, student),
        ]
        self.sciglm("train", *args)
        return str(self.model_dir)

    def stage_eval_after(self) -> str:
        return self._eval("eval_after", str(self.model_dir))

    def run(self) -> list[StageResult]:
        """Run every stage not skipped and not already done; stop at the first failure
        (``self.results`` then holds what ran, the failed stage last)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.markers.mkdir(exist_ok=True)
        self.config.save(self.root / "pipeline.yaml")
        results = self.results
        for name in STAGES:
            marker = self.markers / f"{name}.json"
            if name in self.config.skip:
                result = StageResult(name, "skipped")
            elif marker.exists():
                result = StageResult(**json.loads(marker.read_text(encoding="utf-8")))
                result.status = "cached"
            else:
                console.rule(f"[bold]{name}")
                started = time.monotonic()
                try:
                    note = getattr(self, f"stage_{name}")()
                except SciglmError as exc:
                    results.append(
                        StageResult(name, "failed", time.monotonic() - started, str(exc))
                    )
                    raise
                result = StageResult(name, "done", time.monotonic() - started, note)
                marker.write_text(json.dumps(vars(result)), encoding="utf-8")
            results.append(result)
        return results


def summary_rows(results: list[StageResult]) -> list[list[Any]]:
    return [[r.name, r.status, f"{r.seconds:.0f}s", r.note] for r in results]

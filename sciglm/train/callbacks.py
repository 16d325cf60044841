"""Trainer callbacks: rich progress on the main process, and the loss/LR curve as it happens."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from sciglm.progress import console, progress_bar
from sciglm.train import curves


class RichProgressCallback(TrainerCallback):
    """One progress bar over optimizer steps, with the latest loss as its note."""

    def __init__(self) -> None:
        self._stack: ExitStack | None = None
        self._bar: Any = None
        self._done = 0
        self._note = ""

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        self._stack = ExitStack()
        self._bar = self._stack.enter_context(progress_bar("train", state.max_steps))
        self._done = 0

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._bar is not None and state.global_step > self._done:
            self._bar.advance(state.global_step - self._done, self._note)
            self._done = state.global_step

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        if logs and "loss" in logs:
            self._note = f"loss {logs['loss']:.4f} lr {logs.get('learning_rate', 0):.2e}"

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = self._bar = None


class CurveCallback(TrainerCallback):
    """Append every logged loss/learning rate to ``curves.csv`` (survives a kill)."""

    def __init__(self, csv_path: Path) -> None:
        self.csv_path = csv_path

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        if state.is_world_process_zero and logs:
            curves.append_row(self.csv_path, logs, state.global_step)

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            console.print(f"checkpoint saved at step {state.global_step}")

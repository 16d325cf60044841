"""Peak memory of the embedded teacher and of the quickstart's main job.

``teacher``: starts the embedded teacher (bounded KV cache, ``--kv-cache-mb``), sends 8 chat
requests at once, and prints the server's memory idle and at its peak with the time taken.
``quickstart``: runs a command (default: ``sciglm pipeline`` on the embedded defaults, the
quickstart's main job) and prints the peak memory of its whole process tree.

Memory is PSS (proportional set size, ``/proc/PID/smaps_rollup``): pages shared between forked
processes (the verifier workers) are split among them, not counted once per process.

    .venv/bin/python benchmarks/memory_bench.py teacher [--kv-cache-mb 256]
    .venv/bin/python benchmarks/memory_bench.py quickstart [-- sciglm pipeline --output DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

GOAL_MB = 2048


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current, [])
    return out


def pss_bytes(pid: int) -> int:
    """The PSS of ``pid`` and its descendants, in bytes."""
    total = 0
    for member in tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def stage_of(pid: int) -> str:
    """The sciglm command running in the tree (``annotate``, ``train`` …: the pipeline runs its
    stages as child commands), by the youngest process whose command line names one."""
    found = ""
    for member in sorted(tree(pid)):
        try:
            argv = Path(f"/proc/{member}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [w.decode(errors="replace") for w in argv]
        for index, word in enumerate(words[:-1]):
            if word.endswith("sciglm") or word == "sciglm.cli.main":
                found = words[index + 1]
                break
    return found


class PeakSampler:
    """Samples a process tree's PSS every ``every`` seconds until stopped; keeps the peak,
    overall and per sciglm command running at the time (:func:`stage_of`)."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self.stages: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = pss_bytes(self.pid)
            self.peak = max(self.peak, now)
            stage = stage_of(self.pid)
            self.stages[stage] = max(self.stages.get(stage, 0), now)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def mb(value: int) -> str:
    return f"{value / 2**20:,.0f} MB"


def bench_teacher(kv_cache_mb: int, max_tokens: int) -> None:
    from sciglm.endpoint.client import EndpointClient
    from sciglm.teacher import EmbeddedTeacher

    async def answers(base_url: str, model: str) -> str:
        client = EndpointClient(base_url, "sk-none", concurrency=8, request_timeout=900)
        prompts = [f"Count from 1 to {40 + i}, then say the sum." for i in range(8)]
        try:
            await asyncio.gather(*[
                client.complete([{"role": "user", "content": p}], model,
                                {"max_tokens": max_tokens, "temperature": 0.0})
                for p in prompts])
        finally:
            await client.close()
        return client.stats.tokens_text()

    with EmbeddedTeacher(kv_cache_mb=kv_cache_mb) as teacher:
        assert teacher.process is not None
        idle = pss_bytes(teacher.process.pid)
        started = time.monotonic()
        with PeakSampler(teacher.process.pid) as sampler:
            tokens = asyncio.run(answers(teacher.base_url, teacher.model))
        seconds = time.monotonic() - started
    print(f"embedded teacher, KV cache {kv_cache_mb} MB: idle {mb(idle)}, peak {mb(sampler.peak)} "
          f"while answering 8 requests at once ({tokens}) in {seconds:.1f} s")


def bench_command(command: list[str]) -> None:
    started = time.monotonic()
    process = subprocess.Popen(command)  # noqa: S603 - the user's own command line
    with PeakSampler(process.pid, every=0.5) as sampler:
        code = process.wait()
    seconds = time.monotonic() - started
    print(f"{' '.join(command)}: exit {code}, {seconds / 60:.1f} min, peak PSS of the process "
          f"tree {mb(sampler.peak)} = {sampler.peak / (GOAL_MB * 2**20):.2f} of the "
          f"{GOAL_MB} MB goal")
    for stage, peak in sampler.stages.items():
        print(f"  peak while `{stage or '(between commands)'}` ran: {mb(peak)}")
    if code:
        sys.exit(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    teacher = sub.add_parser("teacher", help="the embedded teacher alone")
    teacher.add_argument("--kv-cache-mb", type=int, default=None)
    teacher.add_argument("--max-tokens", type=int, default=256)
    quick = sub.add_parser("quickstart", help="a whole command (default: sciglm pipeline)")
    quick.add_argument("command", nargs="*")
    args = parser.parse_args()
    if args.what == "teacher":
        from sciglm.teacher.server import KV_CACHE_MB

        bench_teacher(args.kv_cache_mb or KV_CACHE_MB, args.max_tokens)
        return
    out = tempfile.mkdtemp(prefix="quickstart-")
    sciglm = str(Path(sys.executable).with_name("sciglm"))
    bench_command(args.command or [sciglm, "pipeline", "--output", os.path.join(out, "run")])


if __name__ == "__main__":
    main()

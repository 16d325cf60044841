"""``sciglm verify``: judge model answers (and Lean proofs) against references.

The console, tables and progress (rich) are imported only once the checks are under way, so
that on a small file their import overlaps the workers' first checks.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import time
from pathlib import Path
from typing import IO

import click

from sciglm import registry
from sciglm.config import click_options, from_values
from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import dumps, iter_jsonl
from sciglm.io.paths import check_output
from sciglm.io.text import display_name
from sciglm.records import VerifyItem
from sciglm.verify.config import VerifyConfig
from sciglm.verify.pool import VerifierPool
from sciglm.verify.summary import VerifySummary, columns_for

#: Up to this many records, workers start cold: loading every subject's libraries up front
#: (sympy, math-verify, pint: about a second) would cost more than the checks themselves. Such
#: workers are forked from this process once the records are read (its plugins are loaded):
#: no fork server, no second interpreter to start.
COLD_START_ITEMS = 16


def count_lines(path: str) -> int:
    """Non-empty lines of ``path`` (0 when it cannot be read: reading it reports why)."""
    if path == "-":
        return 0  # standard input is read once, by the records' reader (the cold path)
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


def load_items(
    path: str, subject_override: str | None, skip_invalid: bool, summary: VerifySummary
) -> list[VerifyItem]:
    """Read and validate every record; bad lines raise ``file:line`` errors or are skipped."""
    known = registry.subjects()

    def on_invalid(error: InputError) -> None:
        from sciglm.cli.common import console

        summary.invalid_lines += 1
        console.print(f"[yellow]skipped[/] {error}")

    items: list[VerifyItem] = []
    for number, record in iter_jsonl(path, on_invalid if skip_invalid else None):
        if subject_override:
            record["subject"] = subject_override
        problem = None
        if not isinstance(record.get("subject"), str) or not record.get("subject"):
            problem = "record has no 'subject' (or pass --subject)"
        elif record["subject"] not in known:
            names = ", ".join(sorted(known)) or "none installed"
            problem = f"unknown subject {record['subject']!r} (known: {names})"
        elif not isinstance(record.get("response"), str):
            problem = "record has no 'response' text"
        if problem:
            error = InputError(problem, path, number)
            if not skip_invalid:
                raise error
            on_invalid(error)
            continue
        if "id" not in record:
            record["id"] = f"{'stdin' if path == '-' else Path(path).stem}:{number}"
        items.append(VerifyItem.from_record(record))
    return items


@click.command()
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(dir_okay=False,
                                                                     allow_dash=True))
@click_options(VerifyConfig)
def verify(input_path: str, **values: object) -> None:
    """Check each record's RESPONSE against its REFERENCE with the subject's verifier.

    Input lines: {"id", "subject", "response", "reference"} plus optional "question" and
    "choices" (Lean records carry "statement" and optional "header" instead of "reference").
    INPUT.jsonl may be - to read standard input. Output lines, same order: {"id", "subject",
    "correct": true|false|null, "predicted", "reference", "reason"}; null means undecided,
    with the reason. An empty input is an error.

    \b
    Example:
      sciglm verify answers.jsonl --output verdicts.jsonl --workers 2 --timeout 5
      generate-answers | sciglm verify - > verdicts.jsonl
    """
    # At exit the interpreter's last garbage collection would walk every object the imports made
    # (~25 ms of a one-line run); nothing here needs it, so freeze them first.
    atexit.register(gc.freeze)
    config = from_values(VerifyConfig, values)
    output, as_json = config.output, config.as_json
    if as_json and not output:
        raise SciglmError(
            "--json prints the summary on stdout; name the verdict file with --output"
        )
    if output:
        check_output(output, inputs=(input_path,))
    summary = VerifySummary()
    started = time.monotonic()
    workers = config.workers or os.cpu_count() or 1
    count = count_lines(input_path)
    pool = None
    if count > COLD_START_ITEMS:  # warm workers start in the background while records are read
        pool = VerifierPool(min(workers, count), config.timeout, config.memory_mb)
    sink: IO[str] | None = None
    try:
        items = load_items(input_path, config.subject, config.skip_invalid, summary)
        if not items:
            skipped = f" ({summary.invalid_lines} invalid line(s) skipped)" \
                if summary.invalid_lines else ""
            raise InputError(f"no records to verify{skipped}", display_name(input_path))
        if pool is None:
            pool = VerifierPool(min(workers, max(1, len(items))), config.timeout,
                                config.memory_mb, warm=False, fork_first=True)
        futures = [pool.submit(item) for item in items]  # the workers check while rich loads
        from sciglm.cli.common import console, print_json, print_table, progress_bar

        sink = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        with progress_bar("verify", len(items)) as bar:
            for item, future in zip(items, futures, strict=True):
                verdict = future.result()
                summary.add(item.subject, verdict)
                sink.write(dumps(verdict.to_record(item)) + "\n")
                sink.flush()
                bar.advance()
    finally:
        if pool is not None:
            pool.close()
        if output and sink is not None:
            sink.close()
    summary.wall_seconds = time.monotonic() - started
    if as_json:
        data = summary.to_dict()
        for name, tally in data["subjects"].items():  # e.g. Lean's accepted/rejected/unchecked
            counts = (tally["correct"], tally["wrong"], tally["undecided"])
            tally.update(zip(registry.get_subject(name).verdict_labels, counts, strict=True))
        print_json(data | {"input": input_path, "output": output})
    else:
        labels = {registry.get_subject(name).verdict_labels for name in summary.subjects}
        print_table(f"verify {input_path}", columns_for(labels), summary.rows())
        if summary.invalid_lines:
            console.print(f"[yellow]{summary.invalid_lines} invalid line(s) skipped[/]")

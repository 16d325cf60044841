"""Public sets as annotated records: each set's own worked solution stands in for a teacher's.

Used to build a mixture end to end without a teacher (``correct: true``, ``stage: reference``)::

    python -m sciglm.data.reference math gaokao -o reference.annotated.jsonl
    python -m sciglm.data.reference math:mirror/math/test.jsonl -o math.annotated.jsonl

A bare KIND reads the catalogue set of that name (from ``$SCIGLM_DATA``, the cache, or the
Hub; see ``sciglm data``); ``KIND:PATH`` reads a local file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import iter_jsonl, write_jsonl

_GAOKAO_SUBJECTS = {"Math": "math", "Physics": "physics", "Chemistry": "chemistry",
                    "Biology": "biology"}


def _gsm8k(row: dict[str, Any], line: int) -> dict[str, Any]:
    answer = row["answer"]
    return {"id": f"gsm8k-{line}", "subject": "math", "question": row["question"],
            "reference": answer.rsplit("####", 1)[-1].strip(), "response": answer}


def _math(row: dict[str, Any], line: int) -> dict[str, Any]:
    return {"id": f"math-{row.get('idx', line)}", "subject": "math", "question": row["problem"],
            "reference": row.get("answer"), "response": row["solution"]}


def _gaokao(row: dict[str, Any], line: int) -> dict[str, Any]:
    keywords = str(row.get("keywords", ""))
    subject = next((v for k, v in _GAOKAO_SUBJECTS.items() if f"_{k}_" in keywords), "math")
    answer = row.get("answer")
    reference = "".join(answer) if isinstance(answer, list) else answer
    return {"id": f"gaokao-{line}", "subject": subject, "question": row["question"],
            "reference": reference, "response": row.get("analysis") or None}


CONVERTERS: dict[str, Callable[[dict[str, Any], int], dict[str, Any]]] = {
    "gsm8k": _gsm8k, "math": _math, "gaokao": _gaokao}


def reference_records(kind: str, path: str) -> Iterator[dict[str, Any]]:
    """Annotated records for one public file; a row lacking a needed field stops at file:line."""
    if kind not in CONVERTERS:
        raise SciglmError(f"unknown set {kind!r} (known: {', '.join(CONVERTERS)})")
    if not Path(path).is_file():
        raise InputError("no such file", path)
    for line, row in iter_jsonl(path):
        try:
            record = CONVERTERS[kind](row, line)
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"not a {kind} record (missing {exc})", path, line) from exc
        yield {**record, "source": kind, "correct": record["response"] is not None,
               "stage": "reference" if record["response"] else "failed", "trajectory": [],
               "usage": {}, "teacher": {"base_url": None, "model": f"{kind}-reference",
                                        "parameters": {}}}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: KIND:PATH ... → one annotated JSONL."""
    parser = argparse.ArgumentParser(prog="python -m sciglm.data.reference",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", metavar="KIND[:PATH]",
                        help="gsm8k, math or gaokao; without PATH the catalogue set is read")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    records: list[dict[str, Any]] = []
    try:
        for spec in args.sets:
            kind, sep, path = spec.partition(":")
            if not sep:
                from sciglm.catalog.data import get_source, local_file

                path = str(local_file(get_source(kind), get_source(kind).default_split))
            records.extend(reference_records(kind, path))
    except SciglmError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    write_jsonl(args.output, records)
    print(f"{len(records)} records → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

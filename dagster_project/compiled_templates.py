"""Jinja templates compiled once per checkout, not once per dbt process.

dbt makes a new Jinja environment for every template it renders and compiles the template from
its text: each node's SQL, each data test's arguments, each macro a node calls. Every refresh
is a new dbt process, so it compiled again what the previous one had compiled. A build of the
60-customer test company compiles about a thousand templates, 674 of them different; with
their compiled code read back instead, `compile` took 0.45 CPU s of the build, not 2.37
(docs/benchmarks.md, "…nor a template compiled twice").

`Environment.compile` (Jinja's public method) is wrapped: the code object it returns is kept on
disk under a key that hashes everything the compiled code depends on, and read back the next
time the same key is asked for. The key holds the template's text and names; how the
environment compiles (its class and code generator, its extensions, delimiters and whitespace
options, autoescape and finalize, the filters and tests it knows and which context each one is
passed); and the versions of Python, Jinja, dbt-common and dbt-core. A change to any of them
compiles afresh, so an entry can be stale only by being unused. A template that does not
compile is never kept: it raises as before.

The folder is beside the project's manifest, under dbt's target folder, as Python's
`__pycache__` is beside the modules: shared by every data root of the checkout (each test's
company, a restored backup), emptied by `dbt clean` and `make clean`. Every write is a whole
file renamed into place, so a concurrent dbt reads an entry whole or not at all; an entry that
does not read back (a truncated file), or a folder that cannot be written, means compiling as
before.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import marshal
import os
import sys
import threading
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

_jinja_compile = jinja2.Environment.compile

VERSIONS = (
    sys.version,
    jinja2.__version__,
    importlib.metadata.version("dbt-common"),
    importlib.metadata.version("dbt-core"),
)
"""Python's bytecode, Jinja's code generator and dbt's parser and extensions."""

DEBUGGING = "DBT_MACRO_DEBUGGING"
"""dbt's switch to put each compiled template's Python source into `linecache` (or on disk)."""


def _called_with(function: Any) -> str | None:
    """How Jinja passes context to a filter or test; the generated call differs by it."""
    marker = getattr(function, "jinja_pass_arg", None)
    return None if marker is None else str(marker)


def _qualified(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def environment_key(environment: jinja2.Environment) -> tuple:
    """Everything of `environment` that shapes the code it compiles a template into.

    But autoescape, which may be a function of the template's name (`template_key`).
    """
    return (
        _qualified(environment),
        _qualified(environment.code_generator_class),
        tuple(sorted(environment.extensions)),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        None if environment.finalize is None else _called_with(environment.finalize) or "plain",
        tuple(sorted((name, _called_with(f)) for name, f in environment.filters.items())),
        tuple(sorted((name, _called_with(t)) for name, t in environment.tests.items())),
    )


_environment_digests: dict[tuple, str] = {}


def _environment_digest(environment: jinja2.Environment) -> str:
    """The hash of the versions and `environment_key`, computed once per distinct key.

    dbt makes a new environment for each template, almost always with the same key.
    """
    key = environment_key(environment)
    digest = _environment_digests.get(key)
    if digest is None:
        digest = hashlib.sha256(repr((VERSIONS, key)).encode("utf-8")).hexdigest()
        _environment_digests[key] = digest
    return digest


def template_key(environment: jinja2.Environment, source: str, names: tuple) -> str:
    """The file name of a template's compiled code: a hash of all it depends on.

    `names` are the template's name, file name and `defer_init` as `compile` was given them.
    Jinja decides escaping when it compiles: a function `autoescape` is called with the name.
    """
    autoescape = environment.autoescape
    escaped = bool(autoescape(names[0]) if callable(autoescape) else autoescape)
    text = repr((_environment_digest(environment), escaped, names, source))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CompiledTemplates:
    """Compiled code by key: in this process's memory, then in `folder`, then compiled."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.in_memory: dict[str, CodeType] = {}

    def read(self, key: str) -> CodeType | None:
        """The code kept under `key`, or None when there is none that reads back whole."""
        code = self.in_memory.get(key)
        if code is not None:
            return code
        try:
            code = marshal.loads((self.folder / key).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):  # absent, unreadable or truncated
            return None
        if not isinstance(code, CodeType):
            return None
        self.in_memory[key] = code
        return code

    def keep(self, key: str, code: CodeType) -> None:
        """Keep `code` under `key`, in memory and, where the folder can be written, on disk."""
        self.in_memory[key] = code
        target = self.folder / key
        partial = target.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(marshal.dumps(code))
            partial.replace(target)
        except (OSError, ValueError):  # a read-only checkout, a full disk: compiled each time
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)


def reuse_compiled_templates(folder: Path) -> None:
    """Wrap Jinja's `Environment.compile` so that it reads back code compiled into `folder`."""
    templates = CompiledTemplates(folder)

    @jinja2.utils.internalcode  # as Jinja marks its own: left out of a template's traceback
    def compile_once(
        self: jinja2.Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        """Jinja's `compile`, read back when the same template compiled before."""
        if not isinstance(source, str) or raw or os.environ.get(DEBUGGING):
            return _jinja_compile(self, source, name, filename, raw, defer_init)
        key = template_key(self, source, (name, filename, defer_init))
        code = templates.read(key)
        if code is None:
            code = _jinja_compile(self, source, name, filename, raw, defer_init)
            templates.keep(key, code)
        return code

    jinja2.Environment.compile = compile_once  # type: ignore[method-assign,assignment]


def project_templates_folder(project_dir: Path) -> Path:
    """Where the project's compiled templates are kept: its target folder, beside the manifest."""
    return project_dir / "target" / "compiled_templates"

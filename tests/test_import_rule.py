"""Import at the top of a module; a function-level import says why (docs/development.md).

The reasons are few (an import cycle, a heavy library kept out of start-up, models that
load only once the app registry is ready), and each is written beside the import: on
its line, or in the lines just above it or above the block of imports it belongs to.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import vocrehab

SOURCE = Path(vocrehab.__file__).parent

# How far above an import (or the first of a block of them) the comment may be.
LOOKBACK = 3

# Comments that silence a tool say nothing about why the import is where it is.
_TOOL_ONLY = re.compile(
    r"^\s*(noqa(:\s*[A-Z]+\d+(\s*,\s*[A-Z]+\d+)*)?|type:\s*ignore(\[[^\]]*\])?"
    r"|pragma:\s*no cover|fmt:\s*(on|off|skip))\s*$",
    re.IGNORECASE,
)

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_IMPORTS = (ast.Import, ast.ImportFrom)


def explaining_comments(source: str) -> set[int]:
    """Line numbers of the comments that say something (not just ``# noqa``)."""
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        text = token.string.lstrip("#").strip()
        if text and not _TOOL_ONLY.match(text):
            lines.add(token.start[0])
    return lines


def import_blocks(tree: ast.AST) -> list[tuple[int, int, list[int]]]:
    """Runs of consecutive imports inside functions: (first line, last line, each line)."""
    blocks = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            statements = getattr(node, name, None)
            if not isinstance(statements, list):
                continue
            run: list[ast.stmt] = []
            for statement in [*statements, None]:
                if in_function and isinstance(statement, _IMPORTS):
                    run.append(statement)
                    continue
                if run:
                    blocks.append((run[0].lineno, run[-1].end_lineno, [s.lineno for s in run]))
                    run = []
                if statement is not None and not isinstance(statement, _IMPORTS):
                    walk(statement, in_function or isinstance(statement, _FUNCTIONS))

    walk(tree, False)
    return blocks


def unexplained_imports(path: Path, root: Path = SOURCE.parent) -> list[str]:
    """``file:line`` of each function-level import with no comment saying why."""
    source = path.read_text(encoding="utf-8")
    comments = explaining_comments(source)
    return [
        f"{path.relative_to(root)}:{line}"
        for first, last, lines in import_blocks(ast.parse(source, filename=str(path)))
        if not comments.intersection(range(first - LOOKBACK, last + 1))
        for line in lines
    ]


def test_every_function_level_import_says_why():
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        found.extend(unexplained_imports(path))
    assert not found, (
        "Import at the top of the module, or say in a comment why this import is inside "
        "a function (an import cycle, start-up cost, the app registry):\n  " + "\n  ".join(found)
    )


def check(source: str, tmp_path: Path) -> list[str]:
    package = tmp_path / "vocrehab"
    package.mkdir(exist_ok=True)
    path = package / "example.py"
    path.write_text(source, encoding="utf-8")
    return [found.rpartition(":")[2] for found in unexplained_imports(path, tmp_path)]


def test_an_import_inside_a_function_with_no_comment_is_named(tmp_path):
    source = "import os\n\n\ndef f():\n    x = 1\n    import json\n\n    return json, x, os\n"
    assert check(source, tmp_path) == ["6"]


def test_a_comment_on_the_line_or_just_above_is_enough(tmp_path):
    on_the_line = "def f():\n    import json  # loaded only when asked\n"
    above = "def f():\n    # Here, not at the top: an import cycle.\n\n    import json\n"
    assert check(on_the_line, tmp_path) == []
    assert check(above, tmp_path) == []


def test_one_comment_covers_a_block_of_imports(tmp_path):
    source = (
        "def ready():\n"
        "    # Imported here: models load once the registry is ready.\n"
        "    from a import b\n"
        "\n"
        "    from c import d\n"
        "    from e import (\n"
        "        f,\n"
        "        g,\n"
        "    )\n"
        "\n"
        "    from .h import i\n"
        "    b(d, f, g, i)\n"
        "    from j import k\n"
    )
    # The last import starts a new block, with no comment of its own.
    assert check(source, tmp_path) == ["13"]


def test_a_tool_comment_is_not_a_reason(tmp_path):
    source = "def f():\n    from . import signals  # noqa: F401\n"
    assert check(source, tmp_path) == ["2"]


def test_nested_and_conditional_imports_are_found_but_module_level_ones_are_not(tmp_path):
    source = (
        "import os\n"
        "try:\n"
        "    import json\n"
        "except ImportError:\n"
        "    json = None\n"
        "\n"
        "\n"
        "class A:\n"
        "    def m(self):\n"
        "        if os:\n"
        "            x = 1\n"
        "            import re\n"
        "            return re, x\n"
        "\n"
        "        def inner():\n"
        "            y = 2\n"
        "            import csv\n"
        "            return csv, y\n"
    )
    assert check(source, tmp_path) == ["12", "17"]


# Loading a module by a name in a string is for what a setting or a list of libraries
# names, never for one app to reach another (that is a signal; docs/development.md).
LOADED_BY_NAME = {
    "vocrehab/checks.py": "the deployment check loads each library loaded on first use",
    "vocrehab/uploads.py": "the virus scanner is the one VOCREHAB_UPLOAD_SCANNER names",
}
_LOADERS = {"import_module", "import_string", "__import__"}


def loads_by_name(path: Path) -> list[int]:
    """Lines that load a module by a name in a string (importlib, Django's import_string)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in _LOADERS:
                lines.append(node.lineno)
    return lines


def test_no_app_finds_another_by_a_name_in_a_string():
    found = [
        f"{path.relative_to(SOURCE.parent)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        if str(path.relative_to(SOURCE.parent)) not in LOADED_BY_NAME
        for line in loads_by_name(path)
    ]
    assert not found, (
        "Import the module at the top if it is in a layer below, or send a signal the "
        "other app connects in AppConfig.ready():\n  " + "\n  ".join(found)
    )


def test_a_module_loaded_by_name_is_found(tmp_path):
    path = tmp_path / "example.py"
    path.write_text(
        "import importlib\n"
        "from django.utils.module_loading import import_string\n\n"
        "def f():\n"
        "    importlib.import_module('vocrehab.measures.services')\n"
        "    return import_string('vocrehab.measures.services.schedule')\n",
        encoding="utf-8",
    )
    assert loads_by_name(path) == [5, 6]

"""The shape of the code: who may import whom, and how big a module or a function may grow.

Read from the source with `ast` (imports inside functions count too), so a back-arrow or an overgrown
module fails here instead of growing. The layers are described in the README's "Architecture" section.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

#: lowest first; a package may import its own modules, the kernel and packages of lower layers only
LAYERS = [
    # the kernel: plumbing every domain may use; it knows no domain
    {
        "extensions",
        "i18n",
        "timeutil",
        "urls",
        "inputs",
        "markdown",
        "caching",
        "static_files",
        "access_log",
        "forms",
        "pagination",
        "transitions",
        "permissions",
        "errors",
        "audit",
        "outbox",
        "text_analysis",
        "search_index",
        "maps",
        "jobs",
        "observability",
    },
    {"centres"},
    {"legal"},
    {"accounts"},
    {"notifications"},
    {"ideas"},
    {"comments", "volunteering"},
    {"activities"},
    {"organisations"},
    {"partnerships"},
    # pages and commands that compose several domains, and the one orchestrator (promotion)
    {"main", "moderation", "admin", "promotion", "privacy", "templating", "cli", "models", "worker", "__init__"},
]
KERNEL, COMPOSERS = 0, len(LAYERS) - 1
LAYER_OF = {name: number for number, names in enumerate(LAYERS) for name in names}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def app_modules():
    return sorted(APP.rglob("*.py"))


def unit_of(path):
    """The package (or kernel module) a file belongs to: app/ideas/routes.py → ideas, app/forms.py → forms."""
    return path.relative_to(APP).with_suffix("").parts[0]


def imported_units(path):
    """(line, unit) for every `app.*` import in the file, relative imports resolved."""
    package = ["app", *path.relative_to(APP).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join(base + ([node.module] if node.module else []))]
                if not node.module:
                    names = [".".join([*base, alias.name]) for alias in node.names]
            else:
                names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "app" and len(parts) > 1:
                yield node.lineno, parts[1]
            elif parts == ["app"] and isinstance(node, ast.ImportFrom):
                yield from ((node.lineno, alias.name) for alias in node.names)


def allowed(source, target):
    if source == target:
        return True
    low, high = LAYER_OF[target], LAYER_OF[source]
    if high == KERNEL:
        return low == KERNEL
    return low < high or high == COMPOSERS and low == COMPOSERS and target != "__init__"


def test_every_package_has_a_layer():
    units = {unit_of(path) for path in app_modules()} - {"translations"}
    assert units - LAYER_OF.keys() == set(), "add the new package to LAYERS (and the README's architecture section)"


def test_imports_point_down_the_layers():
    broken = [
        f"{path.relative_to(APP.parent)}:{line}: {unit_of(path)} -> {target}"
        for path in app_modules()
        for line, target in imported_units(path)
        if target in LAYER_OF and not allowed(unit_of(path), target)
    ]
    assert broken == []


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("ideas", "accounts", True),
        ("accounts", "ideas", False),
        ("comments", "volunteering", False),
        ("organisations", "partnerships", False),
        ("partnerships", "organisations", True),
        ("forms", "ideas", False),
        ("errors", "audit", True),
        ("main", "partnerships", True),
        ("promotion", "activities", True),
        ("ideas", "promotion", False),
    ],
)
def test_the_rule_itself(source, target, expected):
    assert allowed(source, target) is expected


def test_no_module_is_too_long():
    too_long = {
        str(path.relative_to(APP.parent)): lines
        for path in app_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def functions(tree):
    return (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))


def test_no_function_is_too_long():
    too_long = [
        f"{path.relative_to(APP.parent)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in app_modules()
        for node in functions(ast.parse(path.read_text(encoding="utf-8")))
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert too_long == []


def test_public_functions_say_what_they_do():
    """One line of docstring on every public module-level function and class method."""
    undocumented = []
    for path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        candidates = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            candidates += [node for node in cls.body if isinstance(node, ast.FunctionDef)]
        undocumented += [
            f"{path.relative_to(APP.parent)}:{node.lineno} {node.name}"
            for node in candidates
            if not node.name.startswith("_") and not ast.get_docstring(node)
        ]
    assert undocumented == []

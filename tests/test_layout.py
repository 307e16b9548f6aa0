"""The dependency rule of Kuulo's packages, read from the source with `ast`:

    app ← consultations ← comments (discussion ← moderation ← responses ← opendata) ← search

A module may import modules of its own room and of the rooms to its left, never of a room
to its right: app/ knows nothing of consultations, the discussion (comments/ outside its
sub-packages) nothing of moderation, and so on. Imports inside functions and under
`if TYPE_CHECKING:` count too. The exceptions are the wiring that create_app does:
app/__init__.py registers every package, app/template_helpers.py every template helper. What a lower room shows of a higher one comes through a registry
the higher room fills at start-up (comments/answers.py, app/personal_data.py, ...).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first; a module's room is the longest of these its dotted name starts with.
ROOMS = (
    "app",
    "consultations",
    "comments",
    "comments.moderation",
    "comments.responses",
    "comments.opendata",
    "search",
)
# create_app and the template helpers it registers may import everything to wire it up.
ASSEMBLY = {"app", "app.template_helpers"}


def room_of(module: str) -> str | None:
    matches = [room for room in ROOMS if module == room or module.startswith(room + ".")]
    return max(matches, key=len) if matches else None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module the source imports: `from comments.responses import views` imports
    comments.responses.views, `from comments.models import Comment` comments.models."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                found.add(candidate if is_module(candidate) else base)
    return found


def upward_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of `module` that reach a room to the right of its own."""
    own = room_of(module)
    if own is None or module in ASSEMBLY:
        return []
    rank = ROOMS.index(own)
    return sorted(
        target for target in imported_modules(source, module, is_package)
        if (room := room_of(target)) is not None and ROOMS.index(room) > rank
    )


def package_modules() -> list[Path]:
    top = {room.split(".")[0] for room in ROOMS}
    return sorted(p for name in top for p in (ROOT / name).rglob("*.py"))


def test_every_room_exists():
    for room in ROOMS:
        assert is_module(room), f"{room} is named in the rule but is not a package"


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_higher_room(path):
    module = module_name(path)
    wrong = upward_imports(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert not wrong, f"{module} ({room_of(module)}) imports from a higher room: {', '.join(wrong)}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("comments.queries", "from comments.responses.official import responses_by_comment", ["comments.responses.official"]),
        ("comments.views", "def f():\n    from comments.moderation import services", ["comments.moderation.services"]),
        ("comments.moderation.models", "from ..responses import summary", ["comments.responses.summary"]),
        ("app.models", "import search", ["search"]),
        ("consultations.models", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from comments.models import Comment", ["comments.models"]),
        ("comments.opendata.api", "from comments.responses.official import OfficialResponse\nfrom consultations.models import Consultation", []),
        ("search.sync", "from comments.moderation.models import ModerationEvent", []),
        ("app", "from comments.opendata import api", []),
    ],
)
def test_the_rule_itself(module, source, expected):
    """The checker sees an upward import wherever it stands, and lets the others pass."""
    assert upward_imports(source, module) == expected


# Registering a template helper anywhere else: a blueprint's decorator or the Jinja
# environment touched directly.
HELPER_DECORATORS = {
    "app_template_global", "app_template_filter", "app_template_test", "app_context_processor",
    "template_global", "template_filter", "template_test", "context_processor",
}


def helper_registrations(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and (node.attr in HELPER_DECORATORS or node.attr == "jinja_env"):
            lines.append(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_helpers_are_registered_in_one_place(path):
    if path == ROOT / "app" / "template_helpers.py":
        return
    lines = helper_registrations(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)}:{lines[0]} registers a template helper: add it to app/template_helpers.py"


def test_templates_include_nothing_that_may_be_missing():
    """A page's parts are registered (the management page's sections: app/manage_sections.py),
    not included if they happen to exist."""
    offenders = [
        str(p.relative_to(ROOT)) for p in sorted((ROOT / "templates").rglob("*.html"))
        if "ignore missing" in p.read_text(encoding="utf-8")
    ]
    assert not offenders


# Tests mirror the packages: tests/app/account tests app/account, tests/consultations/authoring
# tests consultations/authoring, and so on. A test of several packages goes with the one it
# is about (account deletion in tests/app/account, even though it posts comments first).
# Two rooms cut across every package and have no package of their own: journeys in a real
# browser and hostile input sent to every route. Rules across packages (this file, the
# access table) and the shared scaffolding (conftest.py, apps.py, world.py, live.py) sit in
# tests/ itself.
TESTS = ROOT / "tests"
ACROSS_PACKAGES = {"browser", "input"}


def directories_with_tests():
    """Every directory of tests/ that holds Python files, as a path relative to tests/."""
    return sorted(
        p.relative_to(TESTS) for p in TESTS.rglob("*")
        if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))
    )


def test_tests_mirror_the_packages():
    strays = [
        str(path) for path in directories_with_tests()
        if path.parts[0] not in ACROSS_PACKAGES and not is_module(".".join(path.parts))
    ]
    assert not strays, (
        f"tests/{strays[0]} names no package: put its tests under the directory of the package they test "
        "(tests/app/account for app/account)"
    )


def test_every_test_directory_is_a_package():
    """So that two test files of the same name in different rooms (test_lifecycle.py,
    test_access.py) never collide."""
    missing = [str(path) for path in directories_with_tests() if not (TESTS / path / "__init__.py").is_file()]
    assert not missing, f"tests/{missing[0]} has no __init__.py"

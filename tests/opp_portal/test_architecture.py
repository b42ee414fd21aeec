"""The shape docs/architecture.md describes, checked: data flows one way, schools → plans → consent → registration,
so an app imports only from apps to its left (and from opp_portal), also inside functions."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ("schools", "plans", "consent", "registration")


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(ORDER)


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_from_apps_to_its_left(app):
    right = set(ORDER[ORDER.index(app) + 1:])
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & right)
        for path in sorted((ROOT / app).rglob("*.py"))
        if _imported_apps(path) & right
    }
    assert wrong == {}, f"{app} imports from apps to its right; ask through opp_portal.questions instead"


def test_no_module_of_the_portal_passes_600_lines():
    """DESIGN.md §3: split a module by domain into a package before it grows past about 600 lines."""
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("opp_portal", *ORDER)
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > 600
    }
    assert long == {}

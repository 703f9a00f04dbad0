"""The layers of STYLE.md hold without string tricks: import-linter sees imports, this test sees the rest.

A module may name (in SQL) or look up (`apps.get_model`) only the tables of layers below its own: a table name of a
higher or a sibling layer, or `apps.get_model` of its own or a higher layer, is an import that import-linter cannot
see. Tests and migrations are left out (migrations name the tables they create; tests compose the whole system).
"""

import ast
import re
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "foodcredit"
WORD = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


def _layers() -> dict[str, int]:
    """App package → layer index (0 = lowest), from the import-linter contract in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith("Domain layers"))
    ranks = {}
    for rank, layer in enumerate(reversed(contract["layers"])):
        for module in layer.split("|"):
            ranks[module.strip().removeprefix("foodcredit.")] = rank
    return ranks


def _tables() -> dict[str, str]:
    """Table name → app package name, for every model of the project."""
    return {
        model._meta.db_table: model._meta.app_config.name.removeprefix("foodcredit.")
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("foodcredit.")
    }


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _get_model_labels(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def layer_breaches() -> list[str]:
    """Every table name or get_model call in domain code that reaches sideways or upwards, as 'path:line: why'."""
    ranks, tables = _layers(), _tables()
    labels = {config.label: config.name.removeprefix("foodcredit.") for config in apps.get_app_configs()}
    breaches = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        if app not in ranks:
            continue
        tree = ast.parse(path.read_text(), rel)
        for line, text in _strings(tree):
            for word in WORD.findall(text):
                owner = tables.get(word)
                if owner and owner != app and ranks[owner] >= ranks[app]:
                    breaches.append(f"{rel}:{line}: names table {word} of {owner}, not below {app}")
        for line, label in _get_model_labels(tree):
            owner = labels.get(label.split(".")[0], "")
            if owner in ranks and ranks[owner] >= ranks[app]:
                breaches.append(f"{rel}:{line}: apps.get_model({label!r}) of {owner}, not below {app}")
    return breaches


def test_no_table_names_or_get_model_across_layers():
    assert layer_breaches() == []


def test_layer_check_finds_a_breach(tmp_path, monkeypatch):
    """The check is not vacuous: a core module naming the ledger table is a breach."""
    fake = tmp_path / "foodcredit" / "core" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        'SQL = "INSERT INTO credit_ledgerentry (kind) VALUES (1)"\nM = apps.get_model("credit.LedgerEntry")\n'
    )
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", tmp_path / "foodcredit")
    assert layer_breaches() == [
        "foodcredit/core/fake.py:1: names table credit_ledgerentry of credit, not below core",
        "foodcredit/core/fake.py:2: apps.get_model('credit.LedgerEntry') of credit, not below core",
    ]

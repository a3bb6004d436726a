"""Only the horizon gate reads story tables for viewers."""

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup
from flask import before_render_template, render_template_string, template_rendered
from sqlalchemy import event

import ballard
from ballard.db import get_engine, get_session
from ballard.export import export_urls
from ballard.horizon import core as horizon_core
from ballard.horizon import open_gate
from ballard.horizon import story as horizon_story
from ballard.models import STORY_MODELS
from tests.conftest import set_progress_cookie

PACKAGE = Path(ballard.__file__).parent
# The gate: the modules of ballard/horizon/ that query story tables. Its other modules
# (the import point, the values, search) read only through these, and are checked.
GATE = {
    "horizon/core.py",
    "horizon/gate.py",
    "horizon/story.py",
    "horizon/characters.py",
    "horizon/questions.py",
    "horizon/search_index.py",
    "horizon/relationships.py",
    "horizon/finale.py",
}
# Modules that may touch story models: the gate itself, the models, and the offline
# content tools (pack loader/dumper, lint, CLI) that never answer a viewer.
# A name ending in "/" allows a whole package.
ALLOWED = {
    *GATE,
    "models.py",
    "cli.py",
    "content/pack.py",
    "content/lint.py",
    "content/schema.py",
    "content/load.py",
    "content/dump.py",
    "content/search_index.py",
    # The story kinds: each fills and reads back its own rows (the write side).
    "story/",
    # The editor is not viewer-side: it edits story rows directly, and every one of
    # its routes requires a signed-in editor (tests/test_editor_access.py).
    "editor/",
    "views/editor/",
}
STORY_NAMES = {m.__name__ for m in STORY_MODELS} | {"plot_point_characters"}


def _viewer_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in ALLOWED and not any(rel.startswith(a) for a in ALLOWED if a.endswith("/")):
            yield rel, ast.parse(path.read_text(), filename=rel)


def _story_imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("models"):
            found |= {a.name for a in node.names if a.name in STORY_NAMES or a.name == "*"}
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.endswith("models")}
        if isinstance(node, ast.Attribute) and node.attr in STORY_NAMES:
            found.add(node.attr)
    return found


def test_no_viewer_module_touches_story_models():
    offenders = {rel: sorted(names) for rel, tree in _viewer_modules() if (names := _story_imports(tree))}
    assert offenders == {}, f"story models used outside the gate: {offenders}"


def test_every_exemption_names_a_module():
    """A renamed or deleted module must not leave its exemption behind for a newcomer."""

    def exists(rel: str) -> bool:
        return (PACKAGE / rel).is_dir() if rel.endswith("/") else (PACKAGE / rel).is_file()

    assert sorted(rel for rel in ALLOWED if not exists(rel)) == []


GATE_PARTS = {p.stem for p in (PACKAGE / "horizon").glob("*.py")} - {"__init__"}


def _gate_submodule_imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ballard.horizon."):
            found.add(node.module)
        if isinstance(node, ast.ImportFrom) and node.module == "ballard.horizon":
            found |= {f"ballard.horizon.{a.name}" for a in node.names if a.name in GATE_PARTS}
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ballard.horizon.")}
    return found


def test_the_gate_is_imported_from_its_package_only():
    """Views, the API, the CLI and the tools import `ballard.horizon`, never its parts."""
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if not rel.startswith("horizon/"):
            tree = ast.parse(path.read_text(), filename=rel)
            if names := _gate_submodule_imports(tree):
                offenders[rel] = sorted(names)
    assert offenders == {}, f"import these from ballard.horizon instead: {offenders}"


def test_the_check_would_catch_an_offender():
    tree = ast.parse("from ballard.models import PlotPoint\nselect(PlotPoint)")
    assert _story_imports(tree) == {"PlotPoint"}
    tree = ast.parse("import ballard.models as m\nm.Character")
    assert _story_imports(tree) == {"ballard.models", "Character"}
    tree = ast.parse("from ballard.horizon.core import GateCore\nimport ballard.horizon.values")
    assert _gate_submodule_imports(tree) == {"ballard.horizon.core", "ballard.horizon.values"}
    tree = ast.parse("from ballard.horizon import Gate, story")
    assert _gate_submodule_imports(tree) == {"ballard.horizon.story"}


def test_templates_never_query():
    database_calls = re.compile(r"\bsession\b|\.scalars?\(|\bselect\(|\.execute\(")
    templates = Path(ballard.ROOT, "templates")
    offenders = [p.name for p in templates.rglob("*.html") if database_calls.search(p.read_text())]
    assert offenders == []


# What a template may be the first to ask the gate for: reads the gate runs once per
# request and keeps (the episode cards; the storylines' arrival order, for their colours).
# Found by the check below: characters, connections, questions and search pages read the
# cards first in their templates, the recap, story, storyline, timeline and previously
# pages the arrivals. Any other statement run while a template renders fails it.
GATE_MEMOISED_READS = (horizon_core._EPISODES, horizon_story._ARRIVALS)


@contextmanager
def _queries_while_rendering(app) -> Iterator[tuple[list[str], list[str]]]:
    """(rendered templates, "template: SQL" of every statement run while one renders).
    A template can query without naming the database: a gate method, a property that
    reads, a lazy relationship; the grep above cannot see those, the engine can."""
    rendering: list[str] = []
    rendered: list[str] = []
    queries: list[str] = []

    def before(sender, template, context, **extra):
        rendering.append(template.name)

    def after(sender, template, context, **extra):
        rendering.pop()
        rendered.append(template.name)

    def executed(conn, cursor, statement, parameters, context, executemany):
        if rendering and statement not in memoised:
            queries.append(f"{rendering[-1]}: {' '.join(statement.split())[:120]}")

    with app.app_context():
        engine = get_engine()
    memoised = {str(s.compile(dialect=engine.dialect)) for s in GATE_MEMOISED_READS}
    event.listen(engine, "before_cursor_execute", executed)
    before_render_template.connect(before, app)
    template_rendered.connect(after, app)
    try:
        yield rendered, queries
    finally:
        template_rendered.disconnect(after, app)
        before_render_template.disconnect(before, app)
        event.remove(engine, "before_cursor_execute", executed)


def _links(html: str, prefix: str) -> set[str]:
    return {
        a["href"].split("#")[0]
        for a in BeautifulSoup(html, "html.parser").select("a[href]")
        if a["href"].startswith(prefix)
    }


def test_no_page_queries_while_its_template_renders(tiny, editor):
    """Every viewer page at every horizon, the editor's overview and every page it links
    to: their templates run no SQL (what they show was read before rendering)."""
    set_progress_cookie(tiny, editor, "tiny", 4)
    with tiny.test_request_context():
        urls = sorted(u for u in export_urls(tiny) if u != "/")
    urls += ["/", "/editor/", "/editor/tiny/"]
    urls += sorted(_links(editor.get("/editor/tiny/").get_data(as_text=True), "/editor/tiny/"))
    with _queries_while_rendering(tiny) as (rendered, queries):
        for url in urls:
            assert editor.get(url).status_code == 200, url
    assert len(rendered) >= len(urls) > 50
    assert queries == [], "\n".join(sorted(set(queries)))


def test_the_render_check_sees_a_template_that_queries(tiny):
    """A gate method called from a template (no database word in it, so the grep above
    passes it) is a query seen."""
    with tiny.test_request_context(), _queries_while_rendering(tiny) as (rendered, queries):
        gate = open_gate(get_session(), "tiny", "4")
        render_template_string("{{ gate.questions().open | length }}", gate=gate)
    assert len(rendered) == 1
    assert queries and "SELECT" in queries[0]


# The layers are import-linter contracts in pyproject.toml ([tool.importlinter]): a
# module imports from its own layer or a lower one, never up; every module has a layer;
# only the CLI imports the package itself. `make lint` runs them, and so do these tests.
PYPROJECT = Path(ballard.ROOT, "pyproject.toml")
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
)


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """lint-imports with the project's contracts, over the `ballard` found in `package_parent`."""
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--config", str(PYPROJECT), "--no-cache", "--no-logo"],
        cwd=package_parent,
        env={**os.environ, "PYTHONPATH": str(package_parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_import_runs_back_up_the_layers():
    result = _lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_layer_contracts_would_catch_an_upward_import(tmp_path):
    """The contracts, run over a copy of the package with one import running up (the gate
    importing a view), one module importing the package itself, and one module in no
    layer, break all three ways."""
    shutil.copytree(PACKAGE, tmp_path / "ballard", ignore=shutil.ignore_patterns("static", "__pycache__"))
    with (tmp_path / "ballard/horizon/core.py").open("a") as core:
        core.write("from ballard.views.guide import MAX_QUERY_LENGTH  # noqa\n")
    with (tmp_path / "ballard/textfold.py").open("a") as textfold:
        textfold.write("from ballard import ROOT  # noqa\n")
    (tmp_path / "ballard/stray.py").write_text("")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ballard.horizon is not allowed to import ballard.views" in result.stdout
    assert "ballard.textfold is not allowed to import ballard:" in result.stdout
    assert "- ballard.stray" in result.stdout  # not listed as a layer
    assert "0 kept, 2 broken" in result.stdout

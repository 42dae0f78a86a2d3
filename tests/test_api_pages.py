"""Every public module of ``dl_notes`` has an API page in both languages and a place in the nav.

- A public module is a module or package directly under ``dl_notes/`` whose name has no leading
  underscore, except those in ``NO_API_PAGE`` (each with its reason).
- Its page is ``docs/api/<m>.ja.md`` and ``docs/api/<m>.en.md``, each rendering ``::: dl_notes.<m>``,
  and ``api/<m>.md`` is in the ``nav`` of mkdocs.yml.
- The other way round: every API page and every ``api/`` nav entry documents a module that exists.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import dl_notes

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"
DIRECTIVE = re.compile(r"^:::[ \t]+(\S+)", re.MULTILINE)

# dl_notes.experiments is the site's measuring bench, not the course's library: it plots with
# matplotlib (the library never does), its modules are the site's experiments (one per page
# section, changing with the pages), and its contract is documented where an author adding an
# experiment looks: the package docstring and the README. Readers meet it only through the
# notebooks' `ensure`/`load`/`show`, which the notebooks explain in place.
NO_API_PAGE = {"experiments"}


def public_modules() -> list[str]:
    """'activations', 'conv', ...: the modules and packages of dl_notes readers import."""
    names = [module.name for module in pkgutil.iter_modules(dl_notes.__path__)]
    return sorted(name for name in names if not name.startswith("_") and name not in NO_API_PAGE)


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml: tags such as ``!ENV [SITE_URL, ...]`` become None."""


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)


def nav_targets() -> list[str]:
    """Every page path in the nav of mkdocs.yml ('index.md', 'api/optim.md', ...)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)

    def walk(entry) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, dict):
            return [path for value in entry.values() for path in walk(value)]
        return [path for item in entry for path in walk(item)]

    return walk(config["nav"])


def api_page_problems(module: str, api_dir: Path = API, nav: list[str] | None = None) -> list[str]:
    """What is missing for ``dl_notes.<module>`` to have its API pages and its nav entry."""
    problems = []
    for lang in ("ja", "en"):
        page = api_dir / f"{module}.{lang}.md"
        if not page.exists():
            problems.append(f"docs/api/{module}.{lang}.md is missing: write it with '::: dl_notes.{module}'")
        elif f"dl_notes.{module}" not in DIRECTIVE.findall(page.read_text(encoding="utf-8")):
            problems.append(f"docs/api/{module}.{lang}.md has no '::: dl_notes.{module}' line")
    if f"api/{module}.md" not in (nav_targets() if nav is None else nav):
        problems.append(f"mkdocs.yml: 'api/{module}.md' is not in nav (add '- dl_notes.{module}: api/{module}.md')")
    return problems


def documented_module_problems(page: Path) -> list[str]:
    """What is wrong with an API page: no directive, one naming another module, or a module that does not import."""
    module = page.name.split(".")[0]
    directives = DIRECTIVE.findall(page.read_text(encoding="utf-8"))
    problems = [f"{page.name}: '::: {name}' is not dl_notes.{module}" for name in directives if name != f"dl_notes.{module}"]
    if not directives:
        problems.append(f"{page.name}: no '::: dl_notes.{module}' line")
    if module.startswith("_") or module in NO_API_PAGE or module not in {m.name for m in pkgutil.iter_modules(dl_notes.__path__)}:
        problems.append(f"{page.name}: dl_notes.{module} is not a public module of dl_notes")
    else:
        importlib.import_module(f"dl_notes.{module}")
    return problems


def test_the_modules_are_found():
    """The list is read from the package, not typed: it holds what the site documents today and more."""
    assert {"activations", "conv", "optim", "nets", "layers"} <= set(public_modules())
    assert not {"_checks", "_files", "experiments"} & set(public_modules())


@pytest.mark.parametrize("module", public_modules())
def test_every_public_module_has_its_api_pages_and_nav_entry(module):
    assert api_page_problems(module) == []


@pytest.mark.parametrize("page", sorted(API.glob("*.md")), ids=lambda page: page.name)
def test_every_api_page_documents_a_public_module(page):
    assert documented_module_problems(page) == []


@pytest.mark.parametrize("target", [t for t in nav_targets() if t.startswith("api/")])
def test_every_api_nav_entry_has_its_pages(target):
    stem = target.removeprefix("api/").removesuffix(".md")
    assert [lang for lang in ("ja", "en") if not (API / f"{stem}.{lang}.md").exists()] == []


def test_the_checks_can_fail(tmp_path):
    """A module without pages or nav entry, and a page of a module that does not exist, are reported."""
    assert len(api_page_problems("phantom", api_dir=tmp_path, nav=["api/optim.md"])) == 3
    (tmp_path / "phantom.ja.md").write_text("# dl_notes.phantom\n\n::: dl_notes.optim\n", encoding="utf-8")
    problems = api_page_problems("phantom", api_dir=tmp_path, nav=["api/phantom.md"])
    assert problems == [
        "docs/api/phantom.ja.md has no '::: dl_notes.phantom' line",
        "docs/api/phantom.en.md is missing: write it with '::: dl_notes.phantom'",
    ]
    assert documented_module_problems(tmp_path / "phantom.ja.md") == [
        "phantom.ja.md: '::: dl_notes.optim' is not dl_notes.phantom",
        "phantom.ja.md: dl_notes.phantom is not a public module of dl_notes",
    ]


def test_the_nav_is_read_through_the_env_tag():
    """mkdocs.yml's `!ENV` tag does not stop the reader, and the nav holds the pages we know."""
    assert {"index.md", "optimizers.md", "api/optim.md"} <= set(nav_targets())

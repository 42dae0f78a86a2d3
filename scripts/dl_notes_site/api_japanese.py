"""Griffe extension: the Japanese API reference, from ``docs/api/ja/<module>.yml``.

On the Japanese build only (``DL_NOTES_SITE_LANG`` is ``ja``, set by ``i18n_fixes.py``), each
object's parsed docstring gets the Japanese text of its entry: the description, the descriptions
of parameters, returned values, raised exceptions, See Also references and of any other titled
section. Examples (code and output) stay as they are. On any other language the extension does
nothing, so the English reference is exactly what the docstrings say.

The format of the files is described in the docstring of `translate_sections` and checked by
``tests/test_api_japanese.py``: every public object has an entry, every entry names an object,
entry keys match the docstring, and ``source`` (a hash of the English docstring, `source_hash`)
says when the English changed after the Japanese was written. The build itself does not fail on
a missing or stale entry (that part stays English); the tests do.

List this extension before ``griffe_results.py:ResultsExtension``: that one appends its
"measured" box, which must stay the last section and is not part of the docstring.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import os
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe
import yaml

from dl_notes_site.japanese_text import join_japanese_lines

# Resolved from this file, not from the working directory (as griffe_results.py does).
TRANSLATIONS = Path(__file__).resolve().parents[2] / "docs" / "api" / "ja"

# Titles of the free-form (admonition) sections, as a Japanese reader expects them; the titles of
# parameter, return, raise and example tables come from the handler's templates (languages/ja).
TITLES_JA = {
    "See Also": "関連項目",
    "Notes": "注記",
    "Note": "注記",
    "Warnings": "警告",
    "Warning": "警告",
    "References": "参考文献",
}

# Sections whose items have names ({name: text} under `sections`), and their English titles.
NAMED_SECTIONS = {
    griffe.DocstringSectionKind.attributes: "Attributes",
    griffe.DocstringSectionKind.other_parameters: "Other Parameters",
    griffe.DocstringSectionKind.functions: "Methods",
    griffe.DocstringSectionKind.classes: "Classes",
    griffe.DocstringSectionKind.modules: "Modules",
}
# Sections whose items are a list in order (one text per item).
LISTED_SECTIONS = {
    griffe.DocstringSectionKind.returns: "returns",
    griffe.DocstringSectionKind.yields: "returns",
    griffe.DocstringSectionKind.raises: "raises",
    griffe.DocstringSectionKind.warns: "Warns",
}
ENTRY_KEYS = {"source", "text", "parameters", "returns", "raises", "see_also", "sections"}


def source_hash(doc: str) -> str:
    """The ``source`` of an entry: which English docstring its translation was made from.

    >>> source_hash("Sum.") == source_hash("  Sum.\\n")
    True
    >>> len(source_hash("Sum."))
    12
    """
    return hashlib.sha256(inspect.cleandoc(doc).encode("utf-8")).hexdigest()[:12]


def docstring_of(obj: Any) -> str | None:
    """The English docstring an entry translates (a property's is its getter's)."""
    if isinstance(obj, property):
        obj = obj.fget
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    return obj.__doc__


def public_objects(module: types.ModuleType) -> dict[str, Any]:
    """Every object of ``module`` that needs a Japanese entry, by dotted path, in source order.

    The module itself; each name of ``__all__`` (or each public name defined in the module) that is a
    class or function with a docstring; each public method, property or classmethod with its own
    docstring defined in such a class's body. A name that only re-exports an object defined under
    another path (``RMSprop = RMSProp``, ``layers.BatchNormalization``) is the same object and the
    same rendered docstring: its entry is the one under the defining path.
    """
    objects = {module.__name__: module}
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
    for name in names:
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)) or not value.__doc__:
            continue
        if value.__module__ != module.__name__ or value.__qualname__ != name:
            continue  # an alias: translated under its own path
        path = f"{module.__name__}.{name}"
        objects[path] = value
        if inspect.isclass(value):
            for member_name, member in vars(value).items():
                if member_name.startswith("_") or not isinstance(member, (types.FunctionType, property, classmethod, staticmethod)):
                    continue
                if docstring_of(member):
                    objects[f"{path}.{member_name}"] = member
    return objects


def load_translations(folder: Path = TRANSLATIONS) -> dict[str, dict]:
    """Every entry of every ``<module>.yml`` in ``folder``, by dotted path (empty if there is none)."""
    entries: dict[str, dict] = {}
    for file in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{file}: expected a mapping of dotted paths to entries, got {type(data).__name__}")
        entries.update(data)
    return entries


def parse_docstring(doc: str) -> list:
    """The sections griffe makes of an English docstring (numpy style, as the API pages are built)."""
    return griffe.Docstring(inspect.cleandoc(doc), parser="numpy").parse(warnings=False)


def staleness(path: str, doc: str, entry: dict, file: str) -> str | None:
    """A message saying how to update ``entry`` if ``doc`` is not the English it was translated from."""
    now = source_hash(doc)
    if entry.get("source") == now:
        return None
    return (
        f"{path}: the English docstring changed after its Japanese entry was written "
        f"(entry source {entry.get('source')!r}, docstring now {now!r}). Update the Japanese of {path} "
        f"in {file} to say what the English says now, then set its `source: \"{now}\"` (quoted: an all-digit "
        f"hash would load as a number)."
    )


# --- See Also ------------------------------------------------------------------------------------

SEE_ALSO_LINE = re.compile(r"^(?P<names>\S.*?)(?:\s+:\s+(?P<description>.*))?$")


def parse_see_also(text: str) -> list[tuple[str, str]]:
    """The items of a numpydoc See Also section: ``(names as written, description)``.

    A description may continue on indented lines; an item without one has ``""``.

    >>> parse_see_also("Momentum : damps oscillation.\\nim2col, col2im\\nAdam\\n    adapts the step\\n    per weight.")
    [('Momentum', 'damps oscillation.'), ('im2col, col2im', ''), ('Adam', 'adapts the step per weight.')]
    """
    items: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0].isspace() and items:
            items[-1][1].append(line.strip())
            continue
        match = SEE_ALSO_LINE.match(line.strip())
        items.append((match["names"], [match["description"]] if match["description"] else []))
    return [(names, " ".join(description)) for names, description in items]


def render_see_also(items: list[tuple[str, str]], colon: str = " : ") -> str:
    """The inverse of `parse_see_also` (one line per item); ``colon`` between names and description.

    The Japanese page joins them with the full-width 「：」 of Japanese prose (docs/style.yml).

    >>> render_see_also([("Momentum", "振動を抑えます。"), ("im2col, col2im", "")], colon="：")
    'Momentum：振動を抑えます。\\nim2col, col2im'
    """
    return "\n".join(f"{names}{colon}{description}" if description else names for names, description in items)


# --- the translation of one parsed docstring ------------------------------------------------------


@dataclass
class Translation:
    """The result of `translate_sections`: the new sections and what did not match the entry."""

    sections: list
    problems: list[str] = field(default_factory=list)


def translate_sections(sections: list, entry: dict, path: str = "") -> Translation:
    """The docstring ``sections`` (griffe's, numpy style) with the Japanese text of ``entry``.

    ``entry`` is one value of a ``docs/api/ja/<module>.yml``: ``text`` replaces the description
    (every text section before the first titled section); ``parameters`` (by name) the parameter
    descriptions; ``returns`` and ``raises`` (lists in order) those of Returns/Yields and Raises;
    ``see_also`` (by the names as written) the See Also descriptions; ``sections`` (by English title)
    any other section: free text, ``{name: text}`` for named items (Attributes, Other Parameters...)
    or a list for Warns. Examples are kept. The given sections are not changed: the result holds
    copies. A key without a counterpart in the docstring, or a non-empty docstring part without
    its key, is a problem (reported, and that part stays English).

    >>> doc = griffe.Docstring("Sum.\\n\\nParameters\\n----------\\nx : int\\n    A number.", parser="numpy")
    >>> out = translate_sections(doc.parse(), {"text": "和です。", "parameters": {"x": "数です。"}})
    >>> out.sections[0].value, out.sections[1].value[0].description, out.problems
    ('和です。', '数です。', [])
    """
    translator = _Translator(entry, f"{path}: " if path else "")
    return Translation([translator.section(section) for section in _one_description(sections)], translator.finish())


def _one_description(sections: list) -> list:
    """``sections`` with the text sections before the first titled one merged into one (``text``)."""
    head = 0
    while head < len(sections) and sections[head].kind is griffe.DocstringSectionKind.text:
        head += 1
    if head <= 1:
        return sections
    merged = _copy(sections[0], value="\n\n".join(s.value for s in sections[:head]))
    return [merged, *sections[head:]]


class _Translator:
    """Puts the parts of one entry into the sections of one docstring, noting what does not match."""

    def __init__(self, entry: dict, prefix: str) -> None:
        self.entry, self.prefix, self.problems = entry, prefix, []
        self.other = entry.get("sections") or {}
        self.unused = {key: set(value) if isinstance(value, dict) else value for key, value in entry.items() if key != "source"}
        for key in set(entry) - ENTRY_KEYS:
            self.problem(f"unknown key {key!r} (expected one of {sorted(ENTRY_KEYS)})")
            self.unused.pop(key)
        self.seen_titled = False

    def problem(self, message: str) -> None:
        self.problems.append(self.prefix + message)

    def use(self, key: str, name: str | None = None) -> None:
        """Mark ``key`` (or the ``name`` under it) as having its counterpart in the docstring."""
        if name is None:
            self.unused.pop(key, None)
        elif isinstance(self.unused.get(key), set):
            self.unused[key].discard(name)

    def replace(self, text: str, where: str, table: Any, name: str | int | None = None) -> str:
        """The Japanese ``table[name]`` (``table`` itself without a name) for the English ``text``."""
        try:
            value = table if name is None else table[name]
            if value is None:
                raise KeyError(where)
        except (KeyError, IndexError, TypeError):
            if text.strip():  # an empty English part may be left out
                self.problem(f"no Japanese for {where} (the docstring has it)")
            return text
        if not isinstance(value, str):
            self.problem(f"{where} must be a string, got {type(value).__name__}")
            return text
        return value.rstrip("\n")

    def section(self, section: Any) -> Any:
        kind = section.kind
        if kind is griffe.DocstringSectionKind.text:
            if self.seen_titled:
                self.problem("a text section after a titled section is not supported: move it before the sections")
                return section
            self.use("text")
            return _copy(section, value=self.replace(section.value, "text", self.entry.get("text")))
        self.seen_titled = True
        if kind is griffe.DocstringSectionKind.examples:
            return section
        if kind is griffe.DocstringSectionKind.parameters:
            return self.named(section, "parameters", self.entry.get("parameters"))
        if kind in LISTED_SECTIONS:
            return self.listed(section, LISTED_SECTIONS[kind])
        if kind in NAMED_SECTIONS:
            title = section.title or NAMED_SECTIONS[kind]
            self.use("sections", title)
            return self.named(section, f"sections[{title!r}]", self.other.get(title))
        if kind is griffe.DocstringSectionKind.admonition and section.title == "See Also":
            return self.see_also(section)
        if kind is griffe.DocstringSectionKind.admonition:
            self.use("sections", section.title)
            return _admonition(section, self.replace(section.value.contents, f"sections[{section.title!r}]", self.other.get(section.title)))
        self.problem(f"a {kind.value} section is not supported by the Japanese reference")
        return section

    def named(self, section: Any, where: str, table: Any) -> Any:
        """Parameters, Attributes...: the items by name."""
        names = {item.name for item in section.value}
        if where == "parameters":
            self.unused["parameters"] = set(self.unused.get("parameters") or ()) - names
        elif isinstance(table, dict) and set(table) - names:
            self.problem(f"{where} names {sorted(set(table) - names)}, which the docstring does not have")
        items = [_copy(item, description=self.replace(item.description, f"{where}[{item.name!r}]", table, item.name)) for item in section.value]
        return _copy(section, value=items)

    def listed(self, section: Any, key: str) -> Any:
        """Returns, Yields, Raises, Warns: the items in order."""
        table = self.entry.get(key) if key in ENTRY_KEYS else self.other.get(key)
        if key in ENTRY_KEYS:
            self.use(key)
        else:
            self.use("sections", key)
        if isinstance(table, list) and len(table) > len(section.value):
            self.problem(f"{key} has {len(table)} items, the docstring {len(section.value)}")
        items = [_copy(item, description=self.replace(item.description, f"{key}[{i}]", table, i)) for i, item in enumerate(section.value)]
        return _copy(section, value=items)

    def see_also(self, section: Any) -> Any:
        items = parse_see_also(section.value.contents)
        table = self.entry.get("see_also") or {}
        self.use("see_also")
        for extra in set(table) - {names for names, description in items if description}:
            self.problem(f"see_also[{extra!r}]: the See Also section has no description for {extra!r}")
        items = [(names, self.replace(d, f"see_also[{names!r}]", table, names) if d else d) for names, d in items]
        return _admonition(section, render_see_also(items, colon="："))

    def finish(self) -> list[str]:
        """The problems, with the parts of the entry that nothing in the docstring used."""
        for key, rest in self.unused.items():
            if rest and key in ("parameters", "sections"):
                self.problem(f"{key} {sorted(rest)} are translated but the docstring has no such {key[:-1]}")
            elif rest:
                self.problem(f"{key} is translated but the docstring has no such part")
        return self.problems


def _copy(item: Any, **changes: Any) -> Any:
    """A shallow copy of a docstring element (parameter, return, raise...) with ``changes``."""
    item = copy.copy(item)
    for name, value in changes.items():
        setattr(item, name, value)
    return item


def _admonition(section: griffe.DocstringSectionAdmonition, text: str) -> griffe.DocstringSectionAdmonition:
    title = TITLES_JA.get(section.title, section.title)
    return griffe.DocstringSectionAdmonition(kind=section.value.kind, text=text, title=title)


# --- the extension --------------------------------------------------------------------------------


def map_strings(value: Any, function) -> Any:
    """``value`` (an entry: nested dicts and lists) with ``function`` applied to every string in it."""
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, function) for item in value]
    return value


class JapaneseExtension(griffe.Extension):
    """Replace the English of each translated docstring with its Japanese entry (Japanese build only)."""

    def __init__(self, translations: str | None = None) -> None:
        super().__init__()
        self.folder = Path(translations) if translations else TRANSLATIONS

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if os.environ.get("DL_NOTES_SITE_LANG", "ja") != "ja":
            return
        for path, entry in load_translations(self.folder).items():
            if path != pkg.path and not path.startswith(pkg.path + "."):
                continue
            try:
                obj = pkg if path == pkg.path else pkg.get_member(path.removeprefix(pkg.path + "."))
            except (KeyError, ValueError):
                continue  # an entry that names nothing: tests/test_api_japanese.py reports it
            if obj.is_alias or obj.docstring is None:
                continue
            obj.docstring.parsed[:] = translate_sections(obj.docstring.parsed, map_strings(entry, join_japanese_lines), path).sections

"""A small HTML tree for assertions on rendered templates (the standard library only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants matching a tag, a class and exact attribute values (``id_`` for id)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls} {attrs}> in the page"
        return found[0]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(str(html))
    builder.close()
    return builder.root


# Fields whose starting value records nothing about the client (see
# tests/ui/test_no_preselected_answers.py): which timepoint a questionnaire is for.
MAY_START_WITH_A_VALUE = {"timepoint"}

_SELECTED = re.compile(r'<select[^>]*name="([^"]+)"(.*?)</select>', re.S)
_CHOSEN_OPTION = re.compile(r'<option value="[^"]+"[^>]*selected')
_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_NAME = re.compile(r'\sname="([^"]+)"')
_RADIO = re.compile(r'\stype="radio"')
_IS_CHECKED = re.compile(r"\schecked(?=[\s/>=])")


def preselected_fields(html: str) -> set[str]:
    """The names of the selects and radio groups on a page that arrive with a choice made
    (attributes in any order: Django's widgets and the NHS.UK templates differ)."""
    chosen = {name for name, body in _SELECTED.findall(html) if _CHOSEN_OPTION.search(body)}
    for tag in _INPUT.findall(html):
        name = _NAME.search(tag)
        if name and _RADIO.search(tag) and _IS_CHECKED.search(tag):
            chosen.add(name.group(1))
    return chosen - MAY_START_WITH_A_VALUE

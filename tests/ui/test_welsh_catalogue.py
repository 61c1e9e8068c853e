"""The Welsh catalogue covers every public page, and the compiled catalogue matches it.

The public pages (referral forms, questionnaire pages, letters, messages, errors) must
be fully available in Welsh: a string added to them without a Welsh translation fails
here, naming the string. Staff pages may fall back to English.
"""

import ast
import re
from pathlib import Path

import pytest
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

import vocrehab
from vocrehab.clients.models import Language
from vocrehab.measures.forms import client_items
from vocrehab.measures.instruments import INSTRUMENTS
from vocrehab.referrals import public_views

SRC = Path(vocrehab.__file__).parent
PO = SRC / "locale" / "cy" / "LC_MESSAGES" / "django.po"

PUBLIC_TEMPLATES = [
    *sorted((SRC / "referrals/templates/referrals/public").glob("*.html")),
    *sorted((SRC / "measures/templates/measures/public").glob("*.html")),
    *sorted((SRC / "templates/errors").glob("*.html")),
    *sorted((SRC / "templates/forms").glob("*.html")),
    SRC / "referrals/templates/referrals/email/acknowledgement.txt",
    SRC / "measures/templates/measures/email/invitation.txt",
    SRC / "measures/templates/measures/email/invitation_subject.txt",
    SRC / "templates/base.html",
    SRC / "templates/includes/header.html",
    SRC / "templates/includes/footer.html",
    SRC / "templates/includes/back_link.html",
]
# The letter's staff note above the printed page is staff text; the letter is public.
LETTER = SRC / "measures/templates/measures/letter.html"

_CALL = re.compile(r"\b(?:n?gettext)\(u('(?:[^'\\]|\\.)*')")


def _msgids(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path == LETTER:
        text = text[text.index("{% language") :]
    return [ast.literal_eval(literal) for literal in _CALL.findall(templatize(text))]


def _welsh(msgid: str) -> str:
    catalog = trans_real.translation("cy")._catalog
    found = catalog.get(msgid)
    if found is None:  # a plural: keyed by (msgid, form)
        found = catalog.get((msgid, 0))
    return found or ""


def _parse_po(path: Path) -> list[tuple[str, list[str]]]:
    """(msgid, msgstrs) for every entry: enough of the PO format for this check."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and current["msgid"]:
                entries.append((current["msgid"], current["msgstr"]))
            current, field = None, None
            continue
        if line.startswith("#"):
            continue
        current = current or {"msgid": "", "msgstr": []}
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            field, value = keyword, ast.literal_eval(rest)
            if field.startswith("msgstr"):
                current["msgstr"].append("")
        if field == "msgid":
            current["msgid"] += value
        elif field.startswith("msgstr"):
            current["msgstr"][-1] += value
    return entries


@pytest.mark.parametrize("path", [*PUBLIC_TEMPLATES, LETTER], ids=lambda p: p.name)
def test_every_string_on_a_public_template_has_welsh(path):
    missing = [msgid for msgid in _msgids(path) if not _welsh(msgid)]
    assert missing == [], f"{path.relative_to(SRC)}: no Welsh for {missing}"


def _form_texts(form) -> list[str]:
    texts = []
    for field in form.fields.values():
        if field.widget.is_hidden:
            continue
        texts += [str(field.label or ""), str(field.help_text or "")]
        texts += [str(label) for _value, label in getattr(field, "choices", ()) if label]
        texts += [str(m) for m in field.error_messages.values() if "%(" not in str(m)]
        # A validator's message too (the NHS number's; Django's own have Welsh already).
        for validator in field.validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                continue  # Django's, with no Welsh of its own; no one types a NUL
            message = getattr(validator, "message", "")
            texts.append(getattr(message, "_kw", {}).get("singular") or str(message))
    return [t for t in texts if t and t != "---------"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(public_views.JOURNEYS))
def test_every_label_and_message_on_the_referral_forms_has_welsh(kind):
    journey = public_views.JOURNEYS[kind]
    with translation.override("en-gb"):
        english = [str(journey.title), str(journey.description)]
        for slug, _cls in journey.steps:
            form = journey.make(slug)
            english += [str(form.title_text), *_form_texts(form)]
    missing = sorted({text for text in english if not _welsh(text)})
    assert missing == [], f"no Welsh for {missing}"


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_questionnaire_name_and_own_question_has_welsh(code):
    """Our own questions are interface text; published wording is data and is left out."""
    instrument = INSTRUMENTS[code]
    with translation.override("en-gb"):
        # A name given as a plain string is a proper name (EQ-5D-5L): the same in Welsh.
        english = [str(instrument.name)] if isinstance(instrument.name, Promise) else []
        if not instrument.wording and not instrument.licensed_wording:
            english += [str(item.label) for item in client_items(instrument)]
    missing = [text for text in english if not _welsh(text)]
    assert missing == [], f"{code}: no Welsh for {missing}"


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is committed: it must be rebuilt (``make messages``) after a .po edit."""
    stale = [
        msgid
        for msgid, msgstrs in _parse_po(PO)
        if msgstrs and msgstrs[0] and _welsh(msgid) != msgstrs[0]
    ]
    assert stale == [], f"compile the catalogue again; out of step: {stale[:5]}"


def test_the_catalogue_has_no_fuzzy_entries():
    # Django (like gettext) ignores fuzzy entries: a translation marked fuzzy is lost.
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_welsh_is_a_language_people_can_choose():
    from django.conf import settings

    assert {code for code, _name in settings.LANGUAGES} == set(Language.values)


def _templates() -> list[Path]:
    return sorted(
        path
        for pattern in ("**/templates/**/*.html", "**/templates/**/*.txt")
        for path in SRC.glob(pattern)
    )


def test_every_template_string_is_in_the_catalogue():
    """Staff pages may show English until translated, but every string of every template
    is in the catalogue, ready for a translator: ``make messages`` was run after the last
    template change (and its .po and .mo committed)."""
    in_po = {msgid for msgid, _msgstrs in _parse_po(PO)}
    missing = {
        str(path.relative_to(SRC)): absent
        for path in _templates()
        if (absent := sorted(set(_msgids(path)) - in_po))
    }
    assert missing == {}, f"run make messages; not in the catalogue: {missing}"


# Python code that writes what the public pages and client messages say: whole modules,
# or the named functions and classes of a module (and the module's functions they call).
PUBLIC_CODE = [
    ("referrals/public_views.py", None),
    (
        "referrals/forms.py",
        {"PersonForm", "HealthWorkForm", "ReferrerForm", "CarerForm", "ConsentForm", "DateField"},
    ),
    ("clients/identifiers.py", {"validate_nhs_number"}),
    ("referrals/display.py", None),
    ("measures/delivery.py", None),
    (
        "measures/views.py",
        {"open_link", "enter_code", "invitation", "questionnaire", "check", "done"},
    ),
    ("measures/forms.py", {"InstrumentItemsForm", "CodeForm"}),
    ("directory/services.py", {"_material_message"}),
]
_GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def _strings_said(path: Path, roots: set[str] | None) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {
        node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    if roots is None:
        nodes, seen = [tree], set()
    else:
        nodes, seen = [top[name] for name in roots], set(roots)
    found = []
    while nodes:
        node = nodes.pop()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") in _GETTEXT:
                first = inner.args[0] if inner.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(first.value)
            elif isinstance(inner, ast.Name) and inner.id in top and inner.id not in seen:
                seen.add(inner.id)
                nodes.append(top[inner.id])
    return found


@pytest.mark.parametrize(("path", "roots"), PUBLIC_CODE, ids=[p for p, _r in PUBLIC_CODE])
def test_every_string_the_public_code_says_has_welsh(path, roots):
    """Messages, answers shown back and labels written in Python for the public pages and
    the client's messages (a template test cannot see these)."""
    missing = sorted({m for m in _strings_said(SRC / path, roots) if not _welsh(m)})
    assert missing == [], f"{path}: no Welsh for {missing}"

"""Safe handling of uploaded documents (the self-help library, an episode's documents).

An upload is accepted only when its extension is on the allow-list, its content starts
the way that type of file must (a renamed executable is refused), it fits the size
limit, its name holds nothing dangerous, and the virus-scan hook passes it. It is
stored under a name the server chooses; the original name is kept, cleaned, for display.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from vocrehab.conf import setting

DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def upload_max_bytes() -> int:
    """The largest document accepted (``VOCREHAB_SELF_HELP_MAX_BYTES``)."""
    return int(setting("VOCREHAB_SELF_HELP_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def upload_scanner() -> str:
    """Dotted path of the virus-scan callable (``VOCREHAB_UPLOAD_SCANNER``), or empty."""
    return str(setting("VOCREHAB_UPLOAD_SCANNER", "") or "")


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


KINDS = {
    ".pdf": FileKind(".pdf", "application/pdf", "PDF"),
    ".docx": FileKind(
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
    ),
    ".odt": FileKind(".odt", "application/vnd.oasis.opendocument.text", "OpenDocument text"),
    ".txt": FileKind(".txt", "text/plain; charset=utf-8", "plain text"),
    ".png": FileKind(".png", "image/png", "PNG image"),
    ".jpg": FileKind(".jpg", "image/jpeg", "JPEG image"),
    ".jpeg": FileKind(".jpeg", "image/jpeg", "JPEG image"),
}

# Inner extensions that make a name like "leaflet.exe.pdf" a trap for whoever opens it.
DANGEROUS_EXTENSIONS = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "dll", "js", "jse", "vbs", "vbe",
        "wsf", "hta", "ps1", "sh", "php", "phtml", "jsp", "asp", "aspx", "html", "htm",
        "svg", "xhtml", "jar", "py", "pl", "cgi", "lnk", "docm", "xlsm", "pptm", "dotm",
    }
)  # fmt: skip


def allowed_extensions() -> list[str]:
    return sorted(KINDS)


def check_name(name: str) -> str:
    """The lower-case extension of an acceptable file name; raises ValidationError."""
    if not name or len(name) > 255:
        raise ValidationError(_("The file needs a name of at most 255 characters."))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationError(_("The file name contains control characters."))
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise ValidationError(_("The file name must not contain a path or start with a dot."))
    if "." not in name:
        raise ValidationError(_("The file name has no extension."))
    parts = name.lower().split(".")
    extension = "." + parts[-1]
    if extension not in KINDS:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted. Upload one of: %(allowed)s."),
            params={"ext": extension, "allowed": ", ".join(allowed_extensions())},
        )
    if any(part.strip() in DANGEROUS_EXTENSIONS for part in parts[1:-1]):
        raise ValidationError(_("The file name hides another type of file (like .exe)."))
    return extension


def display_name(name: str) -> str:
    """The original name made safe to show and to offer as a download name."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w .()-]", "_", base)
    base = re.sub(r"\s+", " ", base).strip(" .")
    if len(base) > 100:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 100 - len(ext) - 1] + dot + ext) if dot else base[:100]
    return base or "document"


def _zip_names(head: bytes, upload) -> list[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            mimetype = (
                archive.read("mimetype")[:100] if "mimetype" in names else b""
            )  # a few bytes only
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return None
    finally:
        upload.seek(0)
    return [*names, "mimetype:" + mimetype.decode("ascii", "replace")]


def content_matches(extension: str, upload) -> bool:
    """True when the file's first bytes (or its zip contents) fit ``extension``."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".docx":
        names = _zip_names(head, upload)
        return bool(names) and "[Content_Types].xml" in names and "word/document.xml" in names
    if extension == ".odt":
        names = _zip_names(head, upload)
        return bool(names) and "mimetype:application/vnd.oasis.opendocument.text" in names
    if extension == ".txt":
        data = upload.read()
        upload.seek(0)
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def scan(upload) -> None:
    """Run the configured virus scanner (``VOCREHAB_UPLOAD_SCANNER``), if any.

    The scanner is a callable taking the uploaded file; it raises ValidationError (or
    returns False) for an infected file. With no scanner configured, nothing happens.
    """
    path = upload_scanner()
    if not path:
        return
    scanner = import_string(path)
    upload.seek(0)
    try:
        verdict = scanner(upload)
    finally:
        upload.seek(0)
    if verdict is False:
        raise ValidationError(_("The virus scanner refused this file."))


def validate_upload(upload) -> FileKind:
    """Check an uploaded file; return its kind or raise ValidationError naming the problem."""
    extension = check_name(upload.name)
    limit = upload_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than the %(mb)s MB limit."),
            params={"mb": f"{limit / (1024 * 1024):g}"},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    if not content_matches(extension, upload):
        raise ValidationError(
            _("The file's content is not a %(label)s file, although its name says so."),
            params={"label": KINDS[extension].label},
        )
    scan(upload)
    return KINDS[extension]

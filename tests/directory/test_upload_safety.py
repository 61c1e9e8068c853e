"""Uploads: allowed types whose content matches, a size limit, safe names, a scan hook."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from vocrehab import uploads
from vocrehab.directory.models import SelfHelpMaterial
from vocrehab.directory.services import save_material

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name,content",
    [
        ("leaflet.pdf", PDF),
        ("Leaflet.PDF", PDF),
        ("photo.png", PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("notes.txt", "Café hours – 9 to 5\n".encode()),
        ("guide.docx", docx_bytes()),
        ("guide.odt", odt_bytes()),
    ],
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_allowed_types_with_matching_content_are_accepted(name, content):
    assert (
        uploads.validate_upload(upload(name, content)).extension
        == "." + name.rsplit(".")[-1].lower()
    )


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("page.html", b"<html><script>", "not accepted"),
        ("drawing.svg", b"<svg onload=alert(1)>", "not accepted"),
        ("renamed.pdf", b"MZ\x90\x00 this is an exe", "content is not a PDF"),
        ("fake.png", PDF, "content is not a PNG"),
        ("fake.docx", PDF, "content is not a Word"),
        ("fake.odt", docx_bytes(), "not a OpenDocument"),
        ("zip.docx", odt_bytes(), "not a Word"),
        ("binary.txt", b"abc\x00def", "not a plain text"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "not a plain text"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_wrong_types_are_refused(name, content, message):
    with pytest.raises(ValidationError) as info:
        uploads.validate_upload(upload(name, content))
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\windows\\system.pdf",
        "sub/dir.pdf",
        ".hidden.pdf",
        "invoice.exe.pdf",
        "page.html.pdf",
        "new\nline.pdf",
        "nul\x00.pdf",
        "noextension",
        "x" * 300 + ".pdf",
    ],
)
def test_dangerous_names_are_refused(name):
    # Django already strips paths from uploaded names; the check does not rely on it.
    with pytest.raises(ValidationError):
        uploads.check_name(name)


def test_a_hidden_double_extension_is_refused_on_upload():
    with pytest.raises(ValidationError, match="hides another type"):
        uploads.validate_upload(upload("invoice.exe.pdf", PDF))


def test_oversize_files_are_refused(settings):
    settings.VOCREHAB_SELF_HELP_MAX_BYTES = 1024
    big = upload("big.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError) as info:
        uploads.validate_upload(big)
    assert "larger than" in info.value.messages[0]
    assert uploads.validate_upload(upload("small.pdf", PDF))


def test_the_default_limit_is_ten_megabytes():
    from vocrehab.directory import conf

    assert conf.upload_max_bytes() == 10 * 1024 * 1024


def test_display_names_are_cleaned():
    assert uploads.display_name("C:\\Users\\me\\My <b>leaflet<b>.pdf") == "My _b_leaflet_b_.pdf"
    assert uploads.display_name("../../x.pdf") == "x.pdf"
    assert uploads.display_name('a"b;c.pdf') == "a_b_c.pdf"
    assert len(uploads.display_name("y" * 300 + ".pdf")) == 100
    assert uploads.display_name("...") == "document"


def refuse_everything(upload):
    return False


def raise_infected(upload):
    raise ValidationError("EICAR test signature found")


def test_the_virus_scan_hook_can_refuse(settings):
    settings.VOCREHAB_UPLOAD_SCANNER = "tests.directory.test_upload_safety.refuse_everything"
    with pytest.raises(ValidationError, match="virus scanner"):
        uploads.validate_upload(upload("ok.pdf", PDF))
    settings.VOCREHAB_UPLOAD_SCANNER = "tests.directory.test_upload_safety.raise_infected"
    with pytest.raises(ValidationError, match="EICAR"):
        uploads.validate_upload(upload("ok.pdf", PDF))


@pytest.mark.django_db
def test_stored_names_are_chosen_by_the_server(organisation):
    material = save_material(
        organisation=organisation,
        values={"title": "Fatigue", "audience": "client", "conditions": ["cancer"]},
        upload=upload("My Fatigue Leaflet (v2).pdf", PDF),
    )
    assert material.file.name == f"selfhelp/{material.file_key}.pdf"
    assert material.original_name == "My Fatigue Leaflet (v2).pdf"
    assert material.content_type == "application/pdf"
    assert material.size == len(PDF)


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing(organisation):
    with pytest.raises(ValidationError):
        save_material(
            organisation=organisation,
            values={"title": "Bad", "audience": "client"},
            upload=upload("bad.pdf", b"MZ"),
        )
    assert not SelfHelpMaterial.objects.exists()


@pytest.mark.django_db
def test_material_needs_a_link_or_a_document(organisation):
    with pytest.raises(ValidationError, match="link or upload"):
        save_material(organisation=organisation, values={"title": "Empty", "audience": "carer"})

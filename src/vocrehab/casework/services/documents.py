"""Documents kept with an episode."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from vocrehab.episodes.models import Episode
from vocrehab.uploads import display_name, validate_upload

from ..models import (
    EpisodeDocument,
)
from .errors import CaseworkError


def add_document(episode: Episode, *, by, title: str, upload) -> EpisodeDocument:
    """Keep an uploaded document with the episode, after checking it.

    The checks are the directory's upload rules (allowed type, content matching the
    name, size limit, virus-scan hook); the stored name is chosen by the server and
    the original name kept, made safe, for display.
    """
    try:
        kind = validate_upload(upload)
    except ValidationError as error:
        raise CaseworkError(error.messages) from None
    document = EpisodeDocument(
        episode=episode,
        title=title,
        file_extension=kind.extension,
        original_name=display_name(upload.name)[:120],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document

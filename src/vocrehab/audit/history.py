"""What the change history stores beside each change: whose record it is.

django-auditlog stores what a model's ``get_additional_data`` returns with every change
(``client_id`` and ``service_id``), so that asking the log about a client, a subject
access request and a service's access log find the change. A record names its owner
through a chain of foreign keys; :func:`follow` walks one, and :class:`ServiceLinked` is
the one ``get_additional_data`` of records that belong to a service (or to an
organisation) and name no person. Records that hang off an episode use the episode
core's ``EpisodeLinked``, which walks its chain with :func:`follow` too.
"""

from __future__ import annotations


def follow(record, path: str):
    """The record at the end of ``path`` ("support__episode": record.support.episode)."""
    for name in path.split("__"):
        record = getattr(record, name)
    return record


class ServiceLinked:
    """A record of a service that names no person: its history names the service.

    ``service_path`` is the chain of foreign keys from the record to its service
    ("service", or "programme__service"); ``None`` for a record that belongs to an
    organisation as a whole (a directory entry), whose history names no service.
    """

    service_path: str | None = "service"

    def get_additional_data(self):
        service_id = None
        if self.service_path:
            # The last step is read as its id column: no query for the service itself.
            *chain, last = self.service_path.split("__")
            owner = follow(self, "__".join(chain)) if chain else self
            service_id = getattr(owner, f"{last}_id")
        return {"client_id": None, "service_id": service_id}

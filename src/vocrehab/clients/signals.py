"""What the clients app asks of, and tells, the apps above it.

A client is found by the reference of any record about them (an episode, a merged
referral). The apps that give those references answer this signal, connected in their
``AppConfig.ready()``, so the clients app need not know them. A change to a client's
details is announced the same way (casework writes the letters it allows).
"""

from django.dispatch import Signal

# Staff searched a service's clients for ``reference`` (upper case). A receiver returns
# the ids of the clients whose records carry it (an iterable, possibly empty).
# Arguments: service, reference.
client_reference_searched = Signal()

# A client's details or rights flags were changed and saved (in the transaction that
# saved them). Arguments: client, fields (the names of the fields the change set).
client_details_changed = Signal()

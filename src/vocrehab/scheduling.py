"""Work that runs once a day, announced by the worker.

``vocrehab worker`` sends :data:`daily` once per calendar day (at its first sweep of
the day); an app with nightly work connects a receiver in its ``AppConfig.ready()``
that enqueues its task. The worker needs to know nothing of the apps above it.
"""

from django.dispatch import Signal

# Sent with ``today`` (a date). Receivers enqueue a task; they must not do the work.
daily = Signal()

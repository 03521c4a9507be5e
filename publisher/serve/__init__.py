"""``adreg serve``: the static site at ``/``, the API at ``/api/`` and Datasette at
``/explore/``, on one port, over the current release of an output root.

Flows in: an output root (its ``current`` link, followed per request) or one release
folder. Flows out: HTTP, read-only. :mod:`.app` is the ASGI application (one small
dispatcher by path; a Datasette instance per release, built when a release is switched
in and closed when its last request is done), :mod:`.static` serves a release's
``site/``, :mod:`.run` checks the release and the port and runs uvicorn. Part of the
command-line layer: it may import every stage, the API and ``publisher.explore``.
"""

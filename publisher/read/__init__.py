"""The read side: every question a release answers, from its SQLite file, read-only.

Flows in: a release folder (or an output root's ``current`` link). Flows out: answers:
the status of a medium on a date (``verify``), name / pinyin / code search (``search``),
status periods (``status``). The CLI, the API, Datasette's canned queries and the site
builder all ask here; no other module writes SQL against a published release. It
imports nothing from ingest, derive or release.
"""

"""Ingest: source folders → the merged, normalised decision log and its ledger.

Flows in: source folders, each with its files (CSV in UTF-8 or GB18030, XLSX, JSON) and
a ``source.yml``. Flows out: an :class:`IngestResult`: the authorities, the normalised
log staged on disk (records made from it on demand) and the ledger that accounts for
every input row (published, merged, withheld or rejected, with file and row).

Steps, one module each: ``config`` (the YAML sidecar) and ``fields`` (the field
registry), ``extract`` and ``frames`` (files → frames of text), ``normalise``,
``columnar``, ``values`` (cells → typed values), ``personal`` (personal data),
``merge`` (re-exports), ``log`` (the staged log), ``ledger``, and ``run`` (the whole).
"""

from .run import IngestResult, authorities_of, ingest

__all__ = ["IngestResult", "authorities_of", "ingest"]

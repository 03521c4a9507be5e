"""Release: the ingested log and its derivation → an immutable, checked release, switched in.

Flows in: an ingest result and what derive makes of it. Flows out: a release folder
under ``out/releases/<version>/``: the data package (``tables`` define the resources,
``flatten`` makes their rows, ``package`` writes the CSVs and ``datapackage.json``,
``checks`` check them), the Excel copy (``workbook``), the SQLite database (``load``,
``database``, ``search_index``, ``datasette``; both made by processes that ``follow`` the
package as its tables are written), the diff against the previous release
(``diff``), and the atomic switch (``switch``). ``publish`` runs it all.
"""

"""Explore: Datasette configured for a release (the journalists' view of the data).

Flows in: a release folder: its SQLite file, and the Datasette configuration publish
ships beside it in ``datasette/`` (metadata with titles, licence, canned queries and
plugin config, settings, templates, table counts). Flows out: a :class:`Datasette`
instance over the release, opened read-only and immutable (:mod:`.instance`), and the
``adreg`` Datasette plugin (:mod:`.plugin`): search through the read side's index,
vocabulary labels, links from ids to rows. Imports the core and the read side only.
"""

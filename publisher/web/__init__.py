"""The notices site (公告): a release published as static pages that need no server.

Flows in: a release folder, read only through the read side (``publisher.read``), and
the templates and assets of the top-level ``site/`` folder. Flows out: ``site/`` in the
release: a page per notice, authority, month, decision kind, registrant and medium, a
verification page per medium, penalties, downloads, the data dictionary, the method,
an Atom feed, ``sitemap.xml``, ``robots.txt`` and a sharded search index that works
from a plain folder; and ``site.json``, every page's sha256 and the hash of what it was
rendered from, so the next release rewrites only pages whose content changed
(``build``). ``newspaper`` lays out notices of a date range in newspaper columns, as
print-ready HTML and PDF. Links are relative: the folder works opened from disk and
served at any path.
"""

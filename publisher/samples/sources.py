"""Sample generator, part 6: the five fictional exports and the scenarios each must show.

Authorities carry real GB/T 2260 codes and names; everything they "publish" here
is invented. Each source has its own export style (see :class:`FileSpec`) and a
list of fixed scenarios played by its first publishers, so that even a tiny
sample shows every case: a refusal, a deemed renewal, each cancellation ground,
a withdrawal, an annulment, a revocation decided by another authority, each
penalty kind, a bad credit code, personal data in free text, a decision exported
twice.
"""

from __future__ import annotations

from .anhui import CHANGFENG, HEFEI, PROVINCE
from .formats import SourceSpec
from .zhejiang import HANGZHOU, NINGBO

# Generation order: a source that receives rows from others (the province) comes last.
SOURCES: tuple[SourceSpec, ...] = (HEFEI, CHANGFENG, HANGZHOU, NINGBO, PROVINCE)

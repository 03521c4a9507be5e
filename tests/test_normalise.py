"""The column-wise fast path of the normaliser gives exactly what the cell-by-cell path gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.config import load_source
from publisher.fields import DECISION_FIELDS
from publisher.ingest import authorities_of
from publisher.normalise import FileNormaliser

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sources" / "hefei"
SOURCE = load_source(SAMPLE)
SPEC = SOURCE.config.files[0]
FIELDS = ["address", "publisher_name", "decision_number", "remarks", "licence_number"]
NORM = FileNormaliser(
    SOURCE, SPEC, SPEC.path, None, {f: i for i, f in enumerate(FIELDS)}, authorities_of([SOURCE])
)

cells = st.text(
    alphabet=st.sampled_from(
        list("合肥广登字〔〕[]()（）【】 \u3000\t\u200b０１２３ＡＢａ12345678901-／.#DIV/0!号路")
    ),
    max_size=24,
) | st.sampled_from(["", " ", "#DIV/0!", "13912345678", "电话：139 1234 5678", "0551-62345678"])


@settings(max_examples=300)
@given(st.lists(cells, min_size=1, max_size=12), st.sampled_from(["", "默认"]))
def test_text_and_number_columns_match_the_cell_path(raw: list[str], default: str) -> None:
    for cache in NORM.caches.values():
        cache.clear()  # a file's defaults never change; these examples' do
    NORM.empties.clear()
    for name in FIELDS:
        spec = DECISION_FIELDS[name]
        fast = NORM.text_column(spec, raw, default)
        assert fast is not None
        assert fast == [NORM._cell(spec, r, default) for r in raw], name

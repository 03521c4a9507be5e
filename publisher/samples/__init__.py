"""The sample generator: realistic, fictional authority exports of any size (``adreg sample``).

Apart from the pipeline: it writes source folders the pipeline then reads, and imports
none of the pipeline's modules. ``generate`` writes the files; ``registrants`` and
``story`` make up publishers and their decision histories; ``formats``, ``anhui`` and
``zhejiang`` say how each fictional authority exports them; ``names`` and ``model`` hold
the shared vocabulary and randomness.
"""

"""khabar's extractor: Persian press-release HTML → one structured record (GUIDE §1.1).

Pure functions (text and HTML in, fields out); the only I/O is reading ``config/`` lexicons once, lazily.
Modules: ``html`` (decode, parse, main content), ``normalize`` (search form, hazm display form), ``dates``,
``numbers``, ``quantities``, ``persons``, ``attribution`` (attribution, agency, province), ``gazetteer``,
``events`` (event type, keywords), ``newscode``, ``classify`` (is_article), ``core`` (``extract``), ``record``
(the record's type, ``ExtractionRecord``).

Beyond GUIDE §1.1, person dicts also carry ``honorific`` and ``organisation`` and quantity dicts ``qualifier``
(«بیش از», «حدود», …); every value may be null.
"""

from __future__ import annotations

from khabar.extractors.core import KEYS, extract
from khabar.extractors.events import EVENT_TYPES
from khabar.extractors.normalize import normalise, search_form
from khabar.extractors.record import ExtractionRecord, Person, Quantity

EXTRACTOR_VERSION = "1.0.1"  # 1.0.1: unclosed <title>, UTF-8 with stray bytes

__all__ = [
    "EVENT_TYPES",
    "EXTRACTOR_VERSION",
    "KEYS",
    "ExtractionRecord",
    "Person",
    "Quantity",
    "extract",
    "normalise",
    "search_form",
]

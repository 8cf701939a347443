"""sitreps: sourced, geolocated, dated event records from conflict news.

    from sitreps import analyze_text
    doc = analyze_text("...article...", published="2022-11-11")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import analyze_text

__all__ = ["__version__", "analyze_text"]

"""Where to read a page of the all-households ledger from: see ``ui.common.paging``."""

from crechebooks_desktop.ui.common.paging import (
    PAGE_SIZE,
    SAMPLE_EVERY,
    Anchors,
    Fetch,
    Key,
    KnownKeys,
    page_span,
)

__all__ = ["PAGE_SIZE", "SAMPLE_EVERY", "Anchors", "Fetch", "Key", "KnownKeys", "page_span"]

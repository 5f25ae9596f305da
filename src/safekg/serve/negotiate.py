"""HTTP content negotiation: which of the media types a resource offers a client wants most.

>>> choose("text/turtle;q=0.9, application/ld+json", ["text/html", "text/turtle",
...        "application/ld+json"])
'application/ld+json'
>>> choose("text/*", ["application/ld+json", "text/turtle"])
'text/turtle'
>>> choose("image/png", ["text/html"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "choose", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``type/subtype`` (either may be ``*``) and its weight."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``,
        -1 not at all."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are left out."""
    ranges = []
    for entry in (header or "").split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def choose(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, the earlier offer winning a tie.

    No ``Accept`` header (or an empty one) accepts anything: the first offer. ``None`` when
    the client accepts none of the offers (answer 406).
    """
    if not offered:
        return None
    ranges = parse_accept(header)
    if not (header or "").strip():
        return offered[0]
    best, chosen = 0.0, None
    for media_type in offered:
        matching = [(r.matches(media_type), r.q) for r in ranges if r.matches(media_type) >= 0]
        if not matching:
            continue
        q = max(matching)[1]  # the most specific range decides
        if q > best:
            best, chosen = q, media_type
    return chosen

"""Building HTML safely: text is escaped unless it is already :class:`Html`.

>>> str(el("a", "Tom & Jerry", href="/id/x?a=1&b=2"))
'<a href="/id/x?a=1&amp;b=2">Tom &amp; Jerry</a>'
>>> str(el("p", el("em", "<b>"), " and ", Html("<br>")))
'<p><em>&lt;b&gt;</em> and <br></p>'
"""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["Html", "el", "esc", "join"]

#: Elements written without a closing tag.
_VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "col", "wbr"})


class Html(str):
    """Text that is already HTML: inserted as it is."""

    __slots__ = ()


Child = object  # any value: Html as it is, None and False left out, anything else as text


def esc(value: object) -> Html:
    """``value`` as HTML: escaped text, or itself if it is :class:`Html` already."""
    if isinstance(value, Html):
        return value
    if value is None or value is False:
        return Html("")
    if isinstance(value, list | tuple):
        return join(esc(item) for item in value)
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[object], separator: object = "") -> Html:
    """``parts`` one after another, each escaped unless it is HTML."""
    return Html(esc(separator).join(esc(part) for part in parts))


def el(tag: str, /, *children: Child, **attributes: str | int | bool | None) -> Html:
    """An element. ``class_`` stands for ``class``, other underscores for hyphens
    (``aria_label``); ``True`` gives an attribute with no value, ``None``/``False`` none."""
    written = []
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        attribute = key.rstrip("_").replace("_", "-")
        if value is True:
            written.append(f" {attribute}")
        else:
            written.append(f' {attribute}="{html.escape(str(value), quote=True)}"')
    opening = f"<{tag}{''.join(written)}>"
    if tag in _VOID:
        return Html(opening)
    return Html(f"{opening}{join(children)}</{tag}>")

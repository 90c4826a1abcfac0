"""Charts as inline SVG drawn on the server: no JavaScript, nothing loaded, readable without colour.

Each chart is a plain function of (label, value) pairs; the page puts a table of the same numbers
beside it. The SVG scales to its container (viewBox), so it fits a 360-px phone.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = {"default": "#4a7bd0", "good": "#2e8b57", "warn": "#d9822b", "muted": "#9aa5b1"}


def _number(value: int) -> str:
    return f"{value:,}"


def bar_chart(bars: Sequence[tuple[str, int, str]], *, title: str, width: int = 340) -> Markup:
    """Horizontal bars: (label, value, tone) each, tone one of PALETTE's keys; bars scale to the largest."""
    row, label_width, value_width = 26, 64, 58
    height = row * len(bars) + 6
    largest = max((value for _, value, _ in bars), default=0) or 1
    track = width - label_width - value_width
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, value, tone) in enumerate(bars):
        y = 3 + index * row
        length = max(1, round(track * value / largest)) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="13">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="18" rx="2" '
                     f'fill="{PALETTE.get(tone, PALETTE["default"])}"/>'
                     f'<text x="{label_width + length + 4}" y="{y + 17}" font-size="12">{_number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(columns: Sequence[tuple[str, int, str]], *, title: str, width: int = 340) -> Markup:
    """Vertical columns (label under each, value above), e.g. learners per hours band."""
    height, bottom, top = 180, 40, 18
    largest = max((value for _, value, _ in columns), default=0) or 1
    slot = width / max(1, len(columns))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#ccd"/>']
    usable = height - bottom - top
    for index, (label, value, tone) in enumerate(columns):
        x = index * slot + slot * 0.15
        bar = round(usable * value / largest) if value else 0
        y = height - bottom - bar
        centre = index * slot + slot / 2
        lines = label.split("–", 1)
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{slot * 0.7:.1f}" height="{bar}" rx="2" '
                     f'fill="{PALETTE.get(tone, PALETTE["default"])}"/>'
                     f'<text x="{centre:.1f}" y="{y - 4}" text-anchor="middle" font-size="11">{_number(value)}</text>')
        for line_no, text in enumerate(lines):
            suffix = "–" if line_no == 0 and len(lines) > 1 else ""
            parts.append(f'<text x="{centre:.1f}" y="{height - bottom + 14 + 13 * line_no}" text-anchor="middle" '
                         f'font-size="10">{escape(text + suffix)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

"""Bar charts drawn on the server as SVG: readable at a glance, no script, labelled for screen readers.

A chart is geometry computed here (:func:`bar_chart`) and drawn by ``templates/web/_chart.html``;
every bar carries its number as text and as ``data-value``, and the figure holds the same data
as a table for those who cannot see the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 560
LABEL_WIDTH = 180
VALUE_WIDTH = 40
NOTE_WIDTH = 170
ROW = 28
BAR = 18
PAD = 6
MAX_LABEL = 24
MAX_NOTE = 26


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, an optional link and note (a merged province's successor, say)."""

    label: str
    value: int
    href: str | None = None
    note: str | None = None
    mark: str | None = None  # a short form of the note, drawn after the value


@dataclass(frozen=True)
class DrawnBar:
    """A bar with its place on the drawing."""

    bar: Bar
    y: int
    width: int
    text_y: int
    short: str
    note: str

    @property
    def full(self) -> str:
        """The label with its note, as the bar's title."""
        return f"{self.bar.label} ({self.bar.note})" if self.bar.note else self.bar.label


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its id, caption, bars, size and the x where bars start."""

    id: str
    caption: str
    bars: tuple[DrawnBar, ...]
    width: int
    height: int
    bar_x: int
    total: int


def bar_chart(chart_id: str, caption: str, bars: list[Bar]) -> Chart:
    """Horizontal bars scaled to the largest value."""
    top = max((b.value for b in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - (NOTE_WIDTH if any(b.note for b in bars) else 0)
    drawn = tuple(
        DrawnBar(
            bar=b,
            y=PAD + i * ROW,
            width=max(2, round(room * b.value / top)) if b.value else 0,
            text_y=PAD + i * ROW + BAR - 4,
            short=_short(b.label, MAX_LABEL),
            note=_short(b.mark or b.note or "", MAX_NOTE),
        )
        for i, b in enumerate(bars)
    )
    return Chart(chart_id, caption, drawn, WIDTH, PAD * 2 + ROW * len(bars), LABEL_WIDTH, sum(b.value for b in bars))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

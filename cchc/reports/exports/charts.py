"""The briefing's charts as PNG images (for the DOCX and the PDF), drawn with matplotlib.

Figures are built with the object API on the Agg canvas, never `pyplot`, so no global state is
shared between requests and nothing is written to disk. Text uses the vendored Be Vietnam Pro
TTF, whose glyphs cover Vietnamese (matplotlib's default DejaVu would too, but the documents
should use one typeface).
"""

from decimal import Decimal
from io import BytesIO

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cchc.core.typeset import FONT_DIR
from cchc.reports.briefing import Briefing
from cchc.reports.exports import CATEGORY_LABELS, number

COLORS = {"on_time": "#198754", "late": "#fd7e14", "in_term": "#0d6efd", "overdue": "#dc3545"}


def _font_family() -> str:
    for path in sorted(FONT_DIR.glob("BeVietnamPro_*.ttf")):
        font_manager.fontManager.addfont(str(path))
    return "Be Vietnam Pro"


FAMILY = _font_family()


def _figure() -> Figure:
    figure = Figure(figsize=(7.5, 3.2), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _style(axes: object) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)  # type: ignore[attr-defined]
    axes.grid(axis="y", color="#dee2e6", linewidth=0.6)  # type: ignore[attr-defined]
    axes.set_axisbelow(True)  # type: ignore[attr-defined]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend_chart(briefing: Briefing) -> bytes:
    """Completion rate (completed ÷ due) and quality pass rate per closed month of the year
    (line chart)."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{point.month:%m/%Y}" for point in briefing.trend]
    on_time = [_float(p.counts.completion_rate) for p in briefing.trend]
    quality = [_float(p.counts.quality_rate) for p in briefing.trend]
    # Each value is written above its point when it is the higher of the two, below otherwise,
    # so that close values do not overprint each other.
    series = [
        ("Tỷ lệ hoàn thành", on_time, quality, "#0d6efd"),
        ("Tỷ lệ đạt chất lượng", quality, on_time, "#198754"),
    ]
    for name, values, others, color in series:
        points = [(x, v) for x, v in enumerate(values) if v is not None]
        axes.plot(
            [x for x, _v in points], [v for _x, v in points], marker="o", label=name, color=color
        )
        for x, value in points:
            above = others[x] is None or value >= (others[x] or 0)
            axes.annotate(
                f"{number(value, 2)}%",
                (x, value),
                textcoords="offset points",
                xytext=(0, 6 if above else -12),
                ha="center",
                fontsize=7,
                family=FAMILY,
                color=color,
            )
    axes.set_xticks(range(len(labels)), labels, family=FAMILY, fontsize=8)
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    axes.set_ylim(0, 110)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{number(v)}%"))
    axes.set_title("Tỷ lệ hoàn thành và đạt chất lượng theo tháng", family=FAMILY, fontsize=10)
    axes.legend(prop={"family": FAMILY, "size": 8}, loc="lower left", frameon=False)
    _style(axes)
    for label in axes.get_yticklabels():
        label.set_fontfamily(FAMILY)
        label.set_fontsize(8)
    return _png(figure)


def categories_chart(briefing: Briefing) -> bytes:
    """Tasks per Decision 42 category, per closed month of the year (grouped bars)."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{point.month:%m/%Y}" for point in briefing.trend]
    width = 0.8 / len(CATEGORY_LABELS)
    for index, (name, label) in enumerate(CATEGORY_LABELS.items()):
        xs = [x + (index - 1.5) * width for x in range(len(labels))]
        values = [getattr(point.counts, name) for point in briefing.trend]
        axes.bar(xs, values, width=width, label=label, color=COLORS[name])
    axes.set_xticks(range(len(labels)), labels, family=FAMILY, fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: number(v)))
    axes.set_title("Nhiệm vụ theo tình trạng thực hiện", family=FAMILY, fontsize=10)
    axes.legend(
        prop={"family": FAMILY, "size": 7},
        ncols=4,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        frameon=False,
    )
    _style(axes)
    for tick in axes.get_yticklabels():
        tick.set_fontfamily(FAMILY)
        tick.set_fontsize(8)
    return _png(figure)

"""CSV and PDF renderings of a report's content (see ``selectors.grid_content``)."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.tables import CellStyle

from committees.models import Period

from .models import Verdict
from .selectors import SYMBOLS, grid_csv_rows

# DejaVu Sans (vendored in ``fonts/``, free licence) covers Latin and Cyrillic and the verdict symbols, so a report
# prints in English, French or Russian with the same symbols as the page.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FONT, PDF_FONT_BOLD = "NRC-DejaVuSans", "NRC-DejaVuSans-Bold"


def _register_fonts() -> None:
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, FONT_DIR / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(PDF_FONT_BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))


# Print colours (with the symbol and the verdict's name in the legend, so colour is never the only cue).
PDF_FILL = {
    "compliant": "#cfe8d5",
    "on_track": "#d6e9f8",
    "waived": "#e4dcf2",
    "pending": "#fff0c2",
    "unconfirmed": "#ffe0b3",
    "at_risk": "#ffd1a8",
    "breach": "#f5c2c2",
    "not_applicable": "#eeeeee",
}
PDF_FILL_COLOURS = {verdict: colors.HexColor(fill) for verdict, fill in PDF_FILL.items()}
PDF_COLUMNS_PER_TABLE = 18
# The style every table starts from; each cell's fill is added to a copy.
PDF_TABLE_STYLE = (
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
    ("FONTNAME", (0, 0), (-1, 0), PDF_FONT_BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), 6.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#003366")),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ("ALIGN", (1, 1), (-1, -1), "CENTER"),
)


def _pdf_row_height(line: list[str]) -> float:
    """The height ReportLab gives a row of text cells in the table style above (its default leading and padding:
    the style sets no other), given up front: otherwise every page split works out the rows' heights again."""
    lines = 1 + max(value.count("\n") for value in line)
    return CellStyle.leading * lines + CellStyle.bottomPadding + CellStyle.topPadding


@functools.lru_cache(maxsize=4096)
def _pdf_cell_text(verdict: str, held: int) -> str:
    return f"{SYMBOLS.get(verdict, '')} {held}".strip()


def csv_bytes(content: dict) -> bytes:
    """One line per body and period (the columns of ``selectors.grid_csv_rows``), as ``csv.writer`` writes them.

    Written as text rather than a list per line: each text value is neutralised and quoted once (a body's code,
    name and share once per body, a period, verdict or waiver once), the counts are whole numbers as the content
    holds them."""
    field = _CsvFields()
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CSV_HEADER)
    parts = [buffer.getvalue()]
    add = parts.append
    for row in content["rows"]:
        share = "" if row["share"] is None else f"{row['share']:.4f}"
        head = f"{field[row['body']]},{field[row['name']]},"
        tail = f",{field[share]}\r\n"
        for cell in row["cells"]:
            required, days_left = cell["required"], cell["days_left"]
            add(
                f"{head}{field[cell['period']]},{field[cell['verdict']]},{cell['held']},{cell['unconfirmed']},"
                f"{cell['upcoming']},{'' if required is None else required},{'' if days_left is None else days_left},"
                f"{field[cell['waiver']]}{tail}"
            )
    return "".join(parts).encode("utf-8")


# The header the selector gives an empty report: the same columns, in the same order.
CSV_HEADER = grid_csv_rows({"rows": []})[0]


class _CsvFields(dict):
    """A text as one field of a ``csv.writer`` line (default dialect: quoted only when it has to be), neutralised
    first; worked out once per text. A field is quoted on its own merits, so it reads the same in any line."""

    def __missing__(self, value: str) -> str:
        buffer = io.StringIO()
        csv.writer(buffer).writerow([_safe(value), ""])
        text = self[value] = buffer.getvalue()[: -len(",\r\n")]
        return text


def _safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _period_label(value: str) -> str:
    return str(Period(value).label) if value in Period.values else value


def pdf_bytes(content: dict, *, title: str = "", footer: str = "") -> bytes:
    """The grid as a landscape A4 PDF, in the active language: title, parameters, legend, then the bodies against
    18 periods per table (the header row repeats on each page)."""
    _register_fonts()
    title = title or gettext("Cadence compliance report")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=title,
    )
    styles = getSampleStyleSheet()
    heading = ParagraphStyle("nrc-title", parent=styles["Title"], fontName=PDF_FONT_BOLD)
    normal = ParagraphStyle("nrc-normal", parent=styles["Normal"], fontName=PDF_FONT)
    params = content["parameters"]
    story = [
        Paragraph(escape(title), heading),
        Paragraph(
            escape(
                gettext("Periods: %(from)s to %(to)s (%(granularity)s); evaluated as of %(at)s; bodies: %(bodies)s")
                % {
                    "from": params["from"],
                    "to": params["to"],
                    "granularity": _period_label(params["granularity"]),
                    "at": params["at"],
                    "bodies": ", ".join(params["body"]) or gettext("all"),
                }
            ),
            normal,
        ),
    ]
    if footer:
        story.append(Paragraph(escape(footer), normal))
    story.append(
        Paragraph(
            escape(
                gettext("Legend: %(legend)s")
                % {"legend": "; ".join(f"{symbol} {Verdict(verdict).label}" for verdict, symbol in SYMBOLS.items())}
            ),
            normal,
        )
    )
    story.append(Spacer(1, 4 * mm))
    columns = content["columns"]
    rows = content["rows"]
    shares = ["" if row["share"] is None else number_format(round(row["share"] * 100, 1), 1) + " %" for row in rows]
    header_tail = [gettext("Compliant")]
    header_head = [gettext("Body")]
    for offset in range(0, max(1, len(columns)), PDF_COLUMNS_PER_TABLE):
        end = offset + PDF_COLUMNS_PER_TABLE
        data = [[*header_head, *columns[offset:end], *header_tail]]
        style = list(PDF_TABLE_STYLE)
        for r, (row, share) in enumerate(zip(rows, shares, strict=True), start=1):
            line = [row["body"]]
            run_start, run_fill = 0, None  # consecutive cells of one colour share one background rectangle
            for c, cell in enumerate(row["cells"][offset:end], start=1):
                verdict, held = cell["verdict"], cell["held"]
                line.append(_pdf_cell_text(verdict, held))
                fill = PDF_FILL_COLOURS.get(verdict)
                if fill is not run_fill:
                    if run_fill is not None:
                        style.append(("BACKGROUND", (run_start, r), (c - 1, r), run_fill))
                    run_start, run_fill = c, fill
            if run_fill is not None:
                style.append(("BACKGROUND", (run_start, r), (len(line) - 1, r), run_fill))
            line.append(share)
            data.append(line)
        table = LongTable(data, repeatRows=1, rowHeights=[_pdf_row_height(line) for line in data])
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, 5 * mm)]
    doc.build(story)
    return buffer.getvalue()

"""CSV and PDF renderings of a report's content (see ``selectors.grid_content``)."""

from __future__ import annotations

import csv
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


def csv_bytes(content: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in grid_csv_rows(content):
        writer.writerow([_safe(v) for v in line])
    return buffer.getvalue().encode("utf-8")


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
    per_page = 18
    for offset in range(0, max(1, len(columns)), per_page):
        chunk = columns[offset : offset + per_page]
        data = [[gettext("Body"), *chunk, gettext("Compliant")]]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("FONTNAME", (0, 0), (-1, 0), PDF_FONT_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 6.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#003366")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ]
        for r, row in enumerate(content["rows"], start=1):
            cells = row["cells"][offset : offset + per_page]
            line = [row["body"]]
            for c, cell in enumerate(cells, start=1):
                line.append(f"{SYMBOLS.get(cell['verdict'], '')} {cell['held']}".strip())
                fill = PDF_FILL.get(cell["verdict"])
                if fill:
                    style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(fill)))
            share = "" if row["share"] is None else number_format(round(row["share"] * 100, 1), 1) + " %"
            data.append([*line, share])
        table = LongTable(data, repeatRows=1)
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, 5 * mm)]
    doc.build(story)
    return buffer.getvalue()

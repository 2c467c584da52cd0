"""CSV and PDF renderings of a report's content (see ``selectors.grid_content``)."""

from __future__ import annotations

import csv
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from .selectors import grid_csv_rows

# The built-in PDF fonts have no check marks: plain letters stand for the verdicts in print.
PDF_CODES = {
    "compliant": "C",
    "breach": "B",
    "unconfirmed": "U",
    "waived": "W",
    "not_applicable": "-",
    "on_track": "T",
    "pending": "P",
    "at_risk": "R",
    "coarser": "",
}

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


def pdf_bytes(content: dict, *, title: str = "Cadence compliance report", footer: str = "") -> bytes:
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
    params = content["parameters"]
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(
            f"Periods: {params['from']} to {params['to']} ({params['granularity']}); "
            f"evaluated as of {params['at']}; bodies: {', '.join(params['body']) or 'all'}",
            styles["Normal"],
        ),
    ]
    if footer:
        story.append(Paragraph(footer, styles["Normal"]))
    story.append(
        Paragraph(
            "Legend: "
            + "; ".join(f"{code} {verdict.replace('_', ' ')}" for verdict, code in PDF_CODES.items() if code),
            styles["Normal"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    columns = content["columns"]
    per_page = 18
    for offset in range(0, max(1, len(columns)), per_page):
        chunk = columns[offset : offset + per_page]
        data = [["Body", *chunk, "Compliant"]]
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("FONTSIZE", (0, 0), (-1, -1), 6.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#003366")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ]
        for r, row in enumerate(content["rows"], start=1):
            cells = row["cells"][offset : offset + per_page]
            line = [row["body"]]
            for c, cell in enumerate(cells, start=1):
                line.append(f"{PDF_CODES.get(cell['verdict'], '')} {cell['held']}")
                fill = PDF_FILL.get(cell["verdict"])
                if fill:
                    style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(fill)))
            share = "" if row["share"] is None else f"{row['share'] * 100:.1f}%"
            data.append([*line, share])
        table = LongTable(data, repeatRows=1)
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, 5 * mm)]
    doc.build(story)
    return buffer.getvalue()

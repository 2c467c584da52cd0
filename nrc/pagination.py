"""Paginated HTML lists: the page asked for, and the list's query string without the page (for the page links)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def paginate(request, rows, per_page: int) -> tuple[Page, str]:
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()

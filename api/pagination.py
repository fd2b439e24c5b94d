"""Cursor pagination for every API list: stable under inserts, and a page costs the same at the
end of a 200,000-row list as at its start (an index range, no OFFSET)."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

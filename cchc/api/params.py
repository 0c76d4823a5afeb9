"""Bounded API parameters: a value out of range is a 422 naming the parameter, never a silent
clamp and never a database overflow (a 500). Every id, year and page the API reads is typed
with one of these."""

from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination
from pydantic import create_model

# The largest value of a BIGINT primary key (PostgreSQL) and of an SQLite INTEGER.
MAX_ID = 2**63 - 1
# The last page a client may ask for: 1,000,000 pages of at most 1,000 rows.
MAX_PAGE = 1_000_000
MIN_YEAR, MAX_YEAR = 2000, 2100

# A month as YYYY-MM within MIN_YEAR…MAX_YEAR - 1 ("0000-01" made datetime.date raise: a 500).
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class BoundedPagination(PageNumberPagination):
    """Page-number pagination whose `page` (1…MAX_PAGE) and `page_size` (1…max_page_size) are
    validated: `?page=9223372036854775808` or `?page_size=5000` is a 422, not a 500 or a
    quietly shorter page."""

    def __init__(self, page_size: int = 50, max_page_size: int = 500, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)
        self.Input = create_model(
            f"Page{max_page_size}Input",
            __base__=Schema,  # type: ignore[arg-type]  # any Schema subclass is an Input
            page=(int, Field(1, ge=1, le=MAX_PAGE)),
            page_size=(int | None, Field(None, ge=1, le=max_page_size)),
        )

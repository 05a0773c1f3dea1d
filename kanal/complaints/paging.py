"""Paging a case list without counting every matching row (the inbox at a million cases)."""

from __future__ import annotations

import math

from django.conf import settings
from django.db.models import QuerySet


def inbox_count_cap() -> int:
    """How far the inbox counts exactly (``KANAL_INBOX_COUNT_CAP``, default 1,000).

    Past it a person reads "more than 1,000": nobody needs to know whether a filter
    matched 41,213 or 41,214 cases, and counting them exactly means reading every
    matching row (hundreds of milliseconds at a million cases).
    """
    return int(settings.KANAL_INBOX_COUNT_CAP)


def count_capped(qs: QuerySet, cap: int | None = None, *, ordered: bool = True) -> int:
    """How many cases ``qs`` holds, counting no further than ``cap + 1``.

    The result is exact when it is at most ``cap``; ``cap + 1`` means "more than cap".
    The database stops after ``cap + 1`` matching rows (``COUNT(*)`` over a subquery with
    ``LIMIT``, only the primary key selected).

    ``ordered`` keeps ``ORDER BY due_date`` in that subquery. It steers PostgreSQL to an
    index read in due-date order (the inbox's partial indexes, or (state, due_date)),
    which stops after ``cap + 1`` entries wherever the rows lie in the table. Unordered,
    the planner may pick a sequential scan in the hope of meeting matches early, while
    open cases, being the newest, sit at the end of a real table: a scan of nearly every
    row at a million cases. Full-text search counts unordered (``ordered=False``): there
    the GIN bitmap is the cheap path and reading in due-date order is not.
    """
    cap = inbox_count_cap() if cap is None else cap
    base = qs.order_by("due_date") if ordered else qs.order_by()
    return base.values("pk")[: cap + 1].count()


class InboxPage:
    """One page of cases and the count as far as it is known (see ``CappedPaginator``).

    ``count`` is exact when ``count_is_exact``; otherwise the filter matched more than
    ``cap`` cases, ``count`` is ``cap + 1`` and ``num_pages`` is None. ``has_next`` is
    always exact: it comes from fetching one row more than the page shows.
    """

    def __init__(self, rows, number, per_page, has_next, count, cap):
        self.object_list = rows
        self.number = number
        self.per_page = per_page
        self.has_next = has_next
        self.count = count
        self.cap = cap
        # Without a next page every row has been seen, so the count is exact even past the cap.
        self.count_is_exact = count <= cap or not has_next

    @property
    def _seen(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def num_pages(self) -> int | None:
        if not self.count_is_exact:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self._seen


class CappedPaginator:
    """Pages of a case list without an exact ``COUNT(*)`` over every matching row.

    Each page fetches ``per_page + 1`` rows, so "Next" is known without counting and
    keeps working past the cap: an operator can still page on through a large result
    (offset paging, so a very deep page costs what the rows before it cost to skip).
    The count is exact below ``cap`` (shown as "37 cases", "Page 1 of 1") and "more
    than cap" above it (shown as "1–50 of more than 1,000", "Page 3"). On the last
    page the count comes from the rows seen, without a count query at all.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int = 50,
        cap: int | None = None,
        *,
        count_ordered: bool = True,
    ):
        self.object_list = object_list
        self.per_page = per_page
        self.cap = inbox_count_cap() if cap is None else cap
        self.count_ordered = count_ordered  # see count_capped(ordered=...)

    def _count(self) -> int:
        return count_capped(self.object_list, self.cap, ordered=self.count_ordered)

    def _fetch(self, number: int) -> tuple[list, bool]:
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset : offset + self.per_page + 1])
        return rows[: self.per_page], len(rows) > self.per_page

    def get_page(self, number) -> InboxPage:
        """The page ``number`` (1 when it is not a positive number; the last page when it
        lies past the end and the count is exact, else the first)."""
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        rows, has_next = self._fetch(number)
        offset = (number - 1) * self.per_page
        if not rows and number > 1:
            # Past the end (a typed URL, or cases that left the filter meanwhile).
            count = self._count()
            last = max(1, math.ceil(count / self.per_page)) if count <= self.cap else 1
            return self.get_page(last)
        if not has_next:
            count = offset + len(rows)  # the last page: every row has been seen
        elif offset + len(rows) > self.cap:
            count = self.cap + 1  # already past the cap: no need to ask
        else:
            count = self._count()
        return InboxPage(rows, number, self.per_page, has_next, count, self.cap)

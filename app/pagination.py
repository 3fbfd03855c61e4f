"""Lists shown a page at a time: which page was asked for, and one page of rows with the way to its neighbours.

Two kinds of list use it. Most are paged by number (?page=2): requested_page() reads the number and page_of()
reads the rows, either with one row more than shown (that row tells whether a next page exists, so no count is
needed) or, where the page says "page 2 of 7", with a count. The list of ideas is paged by keyset (?cursor=…,
"the ideas after this one", see app/ideas/list_queries.py); its page carries the cursors of its neighbours instead
of their numbers.
"""

import re
from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from app.extensions import db

#: nobody pages further by hand; a bigger number means this page (and the OFFSET stays small)
LAST_PAGE = 500
#: what a page number may look like: ASCII digits (Python's int() also reads other scripts' digits)
PAGE_NUMBER = re.compile(r"[0-9]+")


def requested_page(values, last=LAST_PAGE):
    """The page number asked for in values["page"] (the query string or a form): 1 … last.

    Anything but ASCII digits (a negative number too) is the first page, as is 0; a number beyond `last` is `last`.
    """
    text = values.get("page")
    text = text.strip() if isinstance(text, str) else ""
    if not PAGE_NUMBER.fullmatch(text):
        return 1
    digits = text.lstrip("0")
    if len(digits) > len(str(last)):  # never int() of thousands of digits
        return last
    return min(max(int(digits or "0"), 1), last)


@dataclass
class ListPage:
    """One page of a list: its rows, and where the pages before and after it are."""

    items: list = field(default_factory=list)
    #: 1, 2, … (for a list paged by keyset: always 1)
    page: int = 1
    per_page: int = 20
    has_next: bool = False
    #: the number of rows of the whole list, for lists that count them (None: not counted)
    total: int | None = None
    #: lists paged by keyset: where the next and the previous page start (None: there is none)
    next_cursor: str | None = None
    prev_cursor: str | None = None

    @property
    def has_prev(self):
        """There is a page before this one."""
        return self.page > 1 or self.prev_cursor is not None

    @property
    def prev_num(self):
        """The number of the page before (None: this is the first)."""
        return self.page - 1 if self.page > 1 else None

    @property
    def next_num(self):
        """The number of the page after (None: this is the last)."""
        return self.page + 1 if self.has_next else None

    @property
    def pages(self):
        """How many pages the whole list has (None: not counted)."""
        return None if self.total is None else ceil(self.total / self.per_page)


def page_of(statement, page, per_page, count=False):
    """One page of the statement's rows (each a mapped object), by number.

    Without count: one statement, one row more than shown telling whether a next page exists. With count:
    a second statement counts the rows of the whole list (its eager loads left out).
    """
    offset = (page - 1) * per_page
    if not count:
        rows = list(db.session.execute(statement.offset(offset).limit(per_page + 1)).unique().scalars())
        return ListPage(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)
    items = list(db.session.execute(statement.limit(per_page).offset(offset)).unique().scalars())
    whole = statement.options(lazyload("*")).order_by(None).subquery()
    total = db.session.execute(select(func.count()).select_from(whole)).scalar()
    return ListPage(items=items, page=page, per_page=per_page, has_next=page * per_page < total, total=total)


def page_with_total(statement, page, per_page):
    """One page of the statement's rows (each a mapped object) and the number of rows of the whole list: one statement.

    The count is a window over every row before LIMIT (count(*) OVER ()), carried by each row of the page, so
    counting costs no statement of its own. A page beyond the last has no row to carry it: its total is unknown (None).
    """
    offset = (page - 1) * per_page
    rows = db.session.execute(statement.add_columns(func.count().over()).offset(offset).limit(per_page)).all()
    total = rows[0][1] if rows else (0 if page == 1 else None)
    return ListPage(
        items=[row[0] for row in rows],
        page=page,
        per_page=per_page,
        has_next=total is not None and page * per_page < total,
        total=total,
    )

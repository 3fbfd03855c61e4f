"""Numbers from what people send (addresses, query strings, forms): ASCII digits within the database's range.

Python's int() also reads other scripts' digits ("١٢" is 12) and any size, and Werkzeug's <int:…> accepts
whatever int() reads; a number beyond the integer columns then fails in the database (PostgreSQL's integer
is 32 bits: 2147483648 overflows) and the person saw a server error instead of "not found".
"""

import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

#: the range of an integer column on every backend (PostgreSQL's integer; SQLite's are wider)
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
ASCII_INTEGER = re.compile(r"-?[0-9]{1,10}")


def db_int(value):
    """int(value) for a number someone sent, or ValueError: only ASCII digits, only within DB_INT_MIN…DB_INT_MAX.

    Usable as `request.args.get("centre", 0, type=db_int)` (a ValueError there gives the default).
    """
    if not isinstance(value, str) or not ASCII_INTEGER.fullmatch(value.strip()):
        raise ValueError(f"not a number: {value!r}")
    number = int(value)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError(f"out of range: {value!r}")
    return number


class IdConverter(IntegerConverter):
    """<int:…> in every route: an id is ASCII digits up to DB_INT_MAX; anything else is a 404, never a query."""

    regex = r"[0-9]{1,10}"  # not \d: that matches other scripts' digits too

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_nul_in_address():
    """before_request: an address with a NUL byte leads nowhere (404).

    No text column can hold one (PostgreSQL refuses it outright), so a NUL in a slug, token or search word
    would otherwise end in a database error.
    """
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(404)

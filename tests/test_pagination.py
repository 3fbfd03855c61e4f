"""The page number of every paged list (app/pagination.py): whatever is sent, a page between 1 and the last."""

import pytest

from app.pagination import ListPage, requested_page


@pytest.mark.parametrize(
    ("sent", "page"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 3 ", 3),
        ("007", 7),
        ("0", 1),
        ("-4", 1),
        ("abc", 1),
        ("1e3", 1),
        ("2\x00", 1),
        ("١٢", 1),  # digits of another script: int() reads them, a page number is ASCII digits
        ("500", 500),
        ("501", 500),
        ("999999999999", 500),
        ("9" * 5000, 500),  # beyond what int() reads from text: still no error
    ],
)
def test_a_bad_or_huge_page_number_means_the_first_or_the_last_page(sent, page):
    assert requested_page({} if sent is None else {"page": sent}) == page


def test_each_list_sets_its_own_last_page():
    assert requested_page({"page": "20000"}, last=10_000) == 10_000
    assert requested_page({"page": "2147483647"}, last=2**31 - 1) == 2**31 - 1


def test_a_page_knows_its_neighbours():
    first = ListPage(items=[1, 2], page=1, per_page=2, has_next=True)
    last = ListPage(items=[5], page=3, per_page=2, total=5)
    assert (first.has_prev, first.prev_num, first.next_num, first.pages) == (False, None, 2, None)
    assert (last.has_prev, last.prev_num, last.next_num, last.pages) == (True, 2, None, 3)

"""parse_date: every format news data uses, and graceful failure.

Expected instants were worked out by hand (1676367000 was checked with
``date -u -d @1676367000`` -> Tue Feb 14 09:30:00 UTC 2023).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from newsdedup.io import parse_date

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-02-14T09:30:00Z", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        ("2023-02-14T09:30:00+01:00", datetime(2023, 2, 14, 8, 30, tzinfo=UTC)),
        ("2023-02-14 09:30", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        ("2023-02-14", datetime(2023, 2, 14, tzinfo=UTC)),
        ("Tue, 14 Feb 2023 09:30:00 +0100", datetime(2023, 2, 14, 8, 30, tzinfo=UTC)),
        ("Tue, 14 Feb 2023 09:30:00 GMT", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)),
        (" 2-MAR-1987 11:44:41.93", datetime(1987, 3, 2, 11, 44, 41, 930000, tzinfo=UTC)),
        # Some Reuters-21578 DATE fields carry stray letters after the stamp.
        ("27-MAR-1987 11:46:05.99V RM", datetime(1987, 3, 27, 11, 46, 5, 990000, tzinfo=UTC)),
        ("1-apr-1987 12:20:40", datetime(1987, 4, 1, 12, 20, 40, tzinfo=UTC)),
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        (1676367000, datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        (1676367000.5, datetime(2023, 2, 14, 9, 30, 0, 500000, tzinfo=UTC)),
        (1676367000000, datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),  # milliseconds
        ("1676367000", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        (datetime(2023, 2, 14, 9, 30), datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
        (date(2023, 2, 14), datetime(2023, 2, 14, tzinfo=UTC)),
    ],
)
def test_recognised_dates(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_offsets_are_kept_not_converted():
    parsed = parse_date("2023-02-14T09:30:00+01:00")
    assert parsed.utcoffset() == timedelta(hours=1)
    assert parsed.hour == 9


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "next Tuesday",
        "31-FEB-1987 10:00:00.00",
        "Mon, 99 Feb 2023 10:00:00 GMT",
        "12",
        True,
        [],
        {"d": 1},
        float("nan"),
        1e20,
    ],
)
def test_unrecognised_values_give_none(value):
    assert parse_date(value) is None

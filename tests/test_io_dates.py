"""parse_date: every format news data uses, time zones, day or month first, and graceful failure.

Expected instants were worked out by hand (1676367000 was checked with
``date -u -d @1676367000`` -> Tue Feb 14 09:30:00 UTC 2023).
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.io import FieldMap, ReadReport, dates, parse_date, read_articles
from newsdedup.io.dates import read_date
from newsdedup.io.fields import article_from_record

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


# Dates as news pages, feeds and exports print them. Each expected instant was
# worked out by hand from the zone's offset on that day: EST is UTC-5, CET UTC+1,
# CEST UTC+2; "ET" and "PT" follow daylight saving (EST/UTC-5 in February,
# PDT/UTC-7 in July). 14 February 2023 was a Tuesday, 3 March 2023 a Friday.
REAL_FORMATS = [
    ("Feb 14, 2023 9:30 AM EST", datetime(2023, 2, 14, 14, 30, tzinfo=UTC)),
    ("Feb 14, 2023 9:30 PM EST", datetime(2023, 2, 15, 2, 30, tzinfo=UTC)),
    ("February 14, 2023", datetime(2023, 2, 14, tzinfo=UTC)),
    ("Tuesday, February 14, 2023 at 9:30 a.m. ET", datetime(2023, 2, 14, 14, 30, tzinfo=UTC)),
    ("July 4, 2023 9:30 PM PT", datetime(2023, 7, 5, 4, 30, tzinfo=UTC)),
    ("2023-02-14 09:30:00 CET", datetime(2023, 2, 14, 8, 30, tzinfo=UTC)),
    ("2023-07-14 09:30:00 CEST", datetime(2023, 7, 14, 7, 30, tzinfo=UTC)),
    ("2023-02-14T09:30:00+0100", datetime(2023, 2, 14, 8, 30, tzinfo=UTC)),
    ("2023-02-14T09:30:00+01", datetime(2023, 2, 14, 8, 30, tzinfo=UTC)),
    ("2023-02-14T09:30:00.250-05:00", datetime(2023, 2, 14, 14, 30, 0, 250000, tzinfo=UTC)),
    ("20230214T093000Z", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("20230214T093000+0530", datetime(2023, 2, 14, 4, 0, tzinfo=UTC)),
    ("20230214", datetime(2023, 2, 14, tzinfo=UTC)),
    ("Tue, 14 Feb 2023 09:30:00 EST", datetime(2023, 2, 14, 14, 30, tzinfo=UTC)),
    ("Tue, 14 Feb 2023 09:30:00 -0000", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("14/02/2023", datetime(2023, 2, 14, tzinfo=UTC)),  # only day first is a date
    ("02/14/2023", datetime(2023, 2, 14, tzinfo=UTC)),  # only month first is a date
    ("14.02.2023 09:30", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("14-Feb-2023", datetime(2023, 2, 14, tzinfo=UTC)),
    ("2023/02/14 09:30", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("le 14 février 2023", datetime(2023, 2, 14, tzinfo=UTC)),
    ("vendredi 3 mars 2023 à 18h45 CET", datetime(2023, 3, 3, 17, 45, tzinfo=UTC)),
    ("1er mars 2023", datetime(2023, 3, 1, tzinfo=UTC)),
    ("14 de febrero de 2023 a las 9:30", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("martes, 14 de febrero de 2023", datetime(2023, 2, 14, tzinfo=UTC)),
    ("14. Februar 2023, 09:30 Uhr", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
    ("3. März 2023", datetime(2023, 3, 3, tzinfo=UTC)),
    ("14 febbraio 2023 ore 9:30", datetime(2023, 2, 14, 9, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("value", "expected"), REAL_FORMATS)
def test_real_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), REAL_FORMATS)
def test_real_formats_without_dateparser(value, expected, monkeypatch):
    """The built-in month table and dateutil read every form above; dateparser is optional."""
    monkeypatch.setitem(sys.modules, "dateparser", None)  # `import dateparser` now fails
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-14T09:30:00Z",
        "2023-02-14T09:30:00+0100",
        "20230214T093000Z",
        "2023-02-14 09:30:00.5+05:30",
        "2023-02-14",
    ],
)
def test_iso_forms_without_the_311_parser(value, monkeypatch):
    """Python 3.10's fromisoformat rejects ``Z``, ``+0100`` and basic forms: the fallback reads them."""

    class Strict(datetime):
        @classmethod
        def fromisoformat(cls, text):
            raise ValueError(text)

    expected = parse_date(value)
    monkeypatch.setattr(dates, "datetime", Strict)
    assert parse_date(value) == expected
    assert expected is not None


@pytest.mark.parametrize(
    ("value", "day_first", "expected", "ambiguous"),
    [
        ("02/03/2023", True, datetime(2023, 3, 2, tzinfo=UTC), False),
        ("02/03/2023", False, datetime(2023, 2, 3, tzinfo=UTC), False),
        ("02/03/2023", None, datetime(2023, 2, 3, tzinfo=UTC), True),  # month first, flagged
        ("03/03/2023", None, datetime(2023, 3, 3, tzinfo=UTC), False),  # both readings agree
        ("14/02/2023", None, datetime(2023, 2, 14, tzinfo=UTC), False),
        ("14/02/2023", False, None, False),  # month 14: the option and the value disagree
        ("02/14/2023", True, None, False),
        ("02.03.23", True, datetime(2023, 3, 2, tzinfo=UTC), False),
        ("02/03/99 18:00", True, datetime(1999, 3, 2, 18, tzinfo=UTC), False),
    ],
)
def test_day_first(value, day_first, expected, ambiguous):
    parsed = read_date(value, day_first=day_first)
    assert parsed.value == expected
    assert parsed.ambiguous is ambiguous


@pytest.mark.parametrize(
    "value",
    [
        "Tue, 14 Feb 2023 09:30:00 XYZ",  # email.utils would drop the zone and say 09:30 UTC
        "2023-02-14 09:30 XYZ",
        "14 Feb 2023 09:30 IST",  # India, Ireland or Israel: not guessed
        "February 2023",  # no day: dateutil would take today's
        "Feb 30, 2023",
        "2023-02-14T25:00:00Z",
        "yesterday",
        "in two days",
    ],
)
def test_unknown_zones_and_incomplete_dates_give_none(value):
    assert parse_date(value) is None


def test_other_languages_through_dateparser():
    pytest.importorskip("dateparser")
    assert parse_date("14 lutego 2023") == datetime(2023, 2, 14, tzinfo=UTC)  # Polish


def test_record_dates_follow_the_field_map_and_are_counted():
    report = ReadReport()
    records = [
        {"text": "a", "published": "02/03/2023"},
        {"text": "b", "published": "next Tuesday"},
        {"text": "c", "published": "04/05/2023"},
        {"text": "d", "published": "someday"},
        {"text": "e", "published": "2023-02-14"},
    ]
    read = [
        article_from_record(r, FieldMap(), f"f.jsonl:{i}", report) for i, r in enumerate(records, 1)
    ]
    assert [a.published for a in read] == [
        datetime(2023, 2, 3, tzinfo=UTC),
        None,
        datetime(2023, 4, 5, tzinfo=UTC),
        None,
        datetime(2023, 2, 14, tzinfo=UTC),
    ]
    assert read[1].extra == {"published": "next Tuesday"}  # kept, not lost
    assert (report.bad_dates, report.ambiguous_dates) == (2, 2)
    assert report.warnings == [
        "f.jsonl:1: date '02/03/2023' read month first (day and month could be swapped; "
        "use --day-first, day_first=True in Python, if they are day first) (2 dates in all)",
        "f.jsonl:2: date 'next Tuesday' not understood, left empty (2 dates in all)",
    ]
    day_first = article_from_record(records[0], FieldMap(day_first=True), "f.jsonl:1", report)
    assert day_first.published == datetime(2023, 3, 2, tzinfo=UTC)
    assert report.ambiguous_dates == 2  # an explicit order is not ambiguous


def test_read_articles_reports_dates_it_cannot_read(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "id,text,published\n1,One,14/02/2023\n2,Two,le 14 février 2023\n3,Three,bientôt\n",
        encoding="utf-8",
    )
    report = ReadReport()
    articles = list(read_articles([path], report=report))
    assert [a.published for a in articles] == [
        datetime(2023, 2, 14, tzinfo=UTC),
        datetime(2023, 2, 14, tzinfo=UTC),
        None,
    ]
    assert report.bad_dates == 1
    assert report.warnings == [f"{path}:4: date 'bientôt' not understood, left empty"]
    assert report.summary() == "read 3 articles from 1 file, 1 date not understood"


def test_the_command_line_reads_dates_day_first_when_asked(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "id,text,published\n"
        "1,The central bank kept its rate unchanged on Thursday,02/03/2023\n"
        "2,A storm closed the northern ports for two days running,05/04/2023\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    unset = runner.invoke(app, ["scan", str(path), "--format", "json"])
    day_first = runner.invoke(app, ["scan", str(path), "--format", "json", "--day-first"])
    month_first = runner.invoke(app, ["scan", str(path), "--format", "json", "--month-first"])
    assert unset.exit_code == day_first.exit_code == month_first.exit_code == 0
    assert f"{path}:2: date '02/03/2023' read month first" in unset.stderr
    assert "(2 dates in all)" in unset.stderr
    assert "read month first" not in day_first.stderr + month_first.stderr

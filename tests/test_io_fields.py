"""article_from_record: the one definition of a valid record."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsdedup.errors import InputError
from newsdedup.io import FieldMap, article_from_record


def test_mapped_fields_fill_the_article_and_the_rest_goes_to_extra():
    record = {
        "id": "r1",
        "text": "Body",
        "title": "Head",
        "published": "2023-02-14T09:30:00Z",
        "source": "Wire",
        "url": "https://x.example/1",
        "lang": "en",
        "tags": ["a"],
    }
    article = article_from_record(record, FieldMap(), "f.jsonl:4")
    assert (article.id, article.text, article.title, article.source, article.url) == (
        "r1",
        "Body",
        "Head",
        "Wire",
        "https://x.example/1",
    )
    assert article.published == datetime(2023, 2, 14, 9, 30, tzinfo=timezone.utc)
    assert article.origin == "f.jsonl:4"
    assert article.extra == {"lang": "en", "tags": ["a"]}


def test_custom_field_names():
    fields = FieldMap(
        id="guid", text="body", title="headline", date="when", source="outlet", url="link"
    )
    record = {
        "guid": 9,
        "body": "B",
        "headline": "H",
        "when": "2020-01-02",
        "outlet": "O",
        "link": "L",
        "text": "t",
    }
    article = article_from_record(record, fields, "x")
    assert (article.id, article.text, article.title, article.source, article.url) == (
        "9",
        "B",
        "H",
        "O",
        "L",
    )
    assert article.published == datetime(2020, 1, 2, tzinfo=timezone.utc)
    assert article.extra == {"text": "t"}  # "text" is not the text field here


@pytest.mark.parametrize("key", ["date", "pubDate", "published_at"])
def test_date_fallbacks_when_the_date_field_is_absent(key):
    article = article_from_record({"text": "B", key: "2021-05-06"}, FieldMap(), "x")
    assert article.published == datetime(2021, 5, 6, tzinfo=timezone.utc)
    assert key not in article.extra


def test_configured_date_field_wins_over_fallbacks():
    record = {"text": "B", "published": "2021-01-01", "date": "1999-09-09"}
    article = article_from_record(record, FieldMap(), "x")
    assert article.published.year == 2021
    assert article.extra == {"date": "1999-09-09"}


def test_unparseable_date_is_kept_in_extra():
    article = article_from_record({"text": "B", "published": "sometime"}, FieldMap(), "x")
    assert article.published is None
    assert article.extra == {"published": "sometime"}


def test_missing_id_falls_back_to_origin():
    assert article_from_record({"text": "B"}, FieldMap(), "a.jsonl:7").id == "a.jsonl:7"
    assert article_from_record({"text": "B", "id": ""}, FieldMap(), "a.json#2").id == "a.json#2"


def test_empty_optional_fields_become_none():
    article = article_from_record({"text": "B", "title": "", "url": None}, FieldMap(), "x")
    assert article.title is None and article.url is None
    assert article.extra == {}


def test_non_text_title_is_kept_in_extra_not_lost():
    article = article_from_record({"text": "B", "title": {"en": "Hi"}}, FieldMap(), "x")
    assert article.title is None
    assert article.extra == {"title": {"en": "Hi"}}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"title": "T"}, "a.jsonl:3: record has no 'text' field"),
        ({"text": None}, "a.jsonl:3: record has no 'text' field"),
        ({"text": ""}, "a.jsonl:3: 'text' field is empty"),
        ({"text": "  \n"}, "a.jsonl:3: 'text' field is empty"),
        ({"text": 42}, "a.jsonl:3: 'text' field is not a string (got a number)"),
        ({"text": ["a"]}, "a.jsonl:3: 'text' field is not a string (got an array)"),
        ({"text": "B", "id": 1.5}, "a.jsonl:3: id must be a string or an integer (got a number)"),
        ({"text": "B", "id": True}, "a.jsonl:3: id must be a string or an integer (got a boolean)"),
        (["text"], "a.jsonl:3: record is not an object (got an array)"),
        ("text", "a.jsonl:3: record is not an object (got a string)"),
    ],
)
def test_bad_records_raise_input_error_with_origin(record, message):
    with pytest.raises(InputError) as caught:
        article_from_record(record, FieldMap(), "a.jsonl:3")
    assert str(caught.value) == message


def test_error_messages_never_contain_the_text():
    secret = "CONFIDENTIAL BODY " * 3
    with pytest.raises(InputError) as caught:
        article_from_record({"text": secret, "id": [1]}, FieldMap(), "x")
    assert "CONFIDENTIAL" not in str(caught.value)

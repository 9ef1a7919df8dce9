"""``compare``: two articles side by side — scores, relation, reason, shared passages."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ..errors import InputError
from ..io import FieldMap, ReadReport, read_articles
from ..models import Article
from . import _common as c


def _one_article(spec: str, fields: FieldMap) -> Article:
    """The article at ``PATH`` (a single-article file) or ``PATH#ID`` (one record of a multi-article file)."""
    path, wanted = spec, None
    if not os.path.exists(spec) and "#" in spec:
        path, wanted = spec.rsplit("#", 1)
    found = [
        a
        for a in read_articles([path], fields=fields, report=ReadReport())
        if wanted is None or a.id == wanted
    ]
    if wanted is not None and not found:
        raise InputError(f"no article with id {wanted!r}", path=path)
    if len(found) > 1:
        raise InputError(f"holds {len(found)} articles; pick one as {path}#ID", path=path)
    return found[0]


@c.command
def compare(
    a: Annotated[
        str,
        typer.Argument(
            help="First article: a file, or FILE#ID for one record of a JSONL/CSV/JSON file.",
            show_default=False,
        ),
    ],
    b: Annotated[str, typer.Argument(help="Second article, the same way.", show_default=False)],
    format: c.FormatOpt = None,
    output: c.OutputOpt = "-",
    corpus: Annotated[
        list[str] | None,
        typer.Option(
            "--corpus",
            help="Weigh words by their document frequency in these "
            "files or folders (as a scan would).",
        ),
    ] = None,
    passages: Annotated[int, typer.Option(help="Show at most this many shared passages.")] = 10,
    min_words: Annotated[int, typer.Option(help="Shortest shared passage to show, in words.")] = 5,
    *,
    match: c.MatchOptions,
    inputs: c.FieldOptions,
) -> None:
    """Compare two articles: scores, relation and the passages they share.

    Without --corpus, TF-IDF weighs words by the two articles alone.

    Example:

        newsdedup compare seeds/000_3e03bc9e3725dfef.txt seeds/003_319c6ed45504dc95.txt

        newsdedup compare feed.jsonl#item-17 feed.jsonl#item-42 --format json

        newsdedup compare a.txt b.txt --format html -o pair.html
    """
    fmt = c.output_format(format, output)
    from .._kernels.warm import compile_with_helper
    from ..io.render import write_comparison
    from ..judge.compare import compare as compare_articles  # numba: not for --help

    compile_with_helper()

    fields = inputs.fields()
    first, second = _one_article(a, fields), _one_article(b, fields)
    background = read_articles(corpus, fields=fields, report=ReadReport()) if corpus else None
    result = compare_articles(
        first, second, match.config(), corpus=background, min_passage_words=min_words
    )
    with c.output_stream(output) as out:
        if fmt is c.Format.html:
            from ..io.review_page import comparison_data, write_review_page

            write_review_page(comparison_data(first, second, result, match.config()), out)
        else:
            write_comparison(result, fmt.value, out, max_passages=passages)

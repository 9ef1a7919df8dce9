"""The commands' shared option types: each one ``Annotated`` type, its help and its panel.

Why a module of its own: the options are declarations, read by Typer to
build ``--help``; the behaviour they drive lives in :mod:`._common`. Commands
reach them through ``_common`` (``c.Paths``, ``c.Threshold``), which
re-exports every name here.

Example:
    >>> Format("jsonl").value
    'jsonl'
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

__all__ = [
    "DateField",
    "DayFirst",
    "ExcludeOpt",
    "Format",
    "FormatOpt",
    "IdField",
    "IncludeOpt",
    "MaxArticleMb",
    "NearOpt",
    "NoOcr",
    "NoRewrite",
    "NoWindows",
    "NumPerm",
    "OutputOpt",
    "PartialOpt",
    "Paths",
    "Quiet",
    "RelationModelOpt",
    "RelationThresholdOpt",
    "RewriteOpt",
    "Seed",
    "ShingleKind",
    "ShingleOpt",
    "ShingleSize",
    "SkipBad",
    "SourceField",
    "TemplateOpt",
    "TextField",
    "Threshold",
    "TitleField",
    "Workers",
]


class Format(str, Enum):
    table = "table"
    plain = "plain"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


class ShingleKind(str, Enum):
    word = "word"
    char = "char"


# --- options shared by several commands -------------------------------------------------

Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files or folders of articles (.txt .md .html .json .jsonl .csv "
        ".xml/.rss/.atom feeds); '-' reads JSON lines from stdin.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format. Default: table on a terminal; plain (aligned lines that never "
        "wrap) when piped or written with -o. html: a review page (with -o).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="Write the report here instead of stdout: a file is replaced atomically "
        "(through a symlink, its target), a FIFO or device is written to directly.",
    ),
]
IdField = Annotated[
    str, typer.Option(help="Field holding the id (JSON, JSON lines, CSV).", rich_help_panel="Input")
]
TextField = Annotated[
    str, typer.Option(help="Field holding the body text.", rich_help_panel="Input")
]
TitleField = Annotated[
    str, typer.Option(help="Field holding the headline.", rich_help_panel="Input")
]
DateField = Annotated[
    str, typer.Option(help="Field holding the publication date.", rich_help_panel="Input")
]
SourceField = Annotated[
    str, typer.Option(help="Field holding the outlet or feed name.", rich_help_panel="Input")
]
DayFirst = Annotated[
    bool | None,
    typer.Option(
        "--day-first/--month-first",
        help="Read numeric dates such as 02/03/2023 day first (2 March) or month first "
        "(3 February). Unset: from the value where only one reading is a date "
        "(14/02/2023), else month first, with a warning counting them.",
        rich_help_panel="Input",
        show_default=False,
    ),
]
SkipBad = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="Skip malformed records (counted and reported) instead of stopping at the first.",
        rich_help_panel="Input",
    ),
]
MaxArticleMb = Annotated[
    float, typer.Option(help="Skip articles larger than this many MB.", rich_help_panel="Input")
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        help="In folders, read only files matching this glob (repeatable; matched against the "
        "path inside the folder and the file name, e.g. '*.txt', '2023/*').",
        rich_help_panel="Input",
        show_default=False,
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help="In folders, skip files matching this glob (repeatable, e.g. 'drafts/*').",
        rich_help_panel="Input",
        show_default=False,
    ),
]
Threshold = Annotated[
    float | None,
    typer.Option(
        help="Jaccard similarity the LSH candidate search is tuned for.",
        rich_help_panel="Detection",
    ),
]
NearOpt = Annotated[
    float | None,
    typer.Option(
        "--near", help="Shingle Jaccard from which a pair is 'near'.", rich_help_panel="Detection"
    ),
]
PartialOpt = Annotated[
    float | None,
    typer.Option(
        "--partial",
        help="Share of the shorter article found in the longer one from which a pair is 'partial'.",
        rich_help_panel="Detection",
    ),
]
RewriteOpt = Annotated[
    float | None,
    typer.Option(
        "--rewrite-cosine",
        help="TF-IDF cosine below which a pair under the near and partial bars is never a "
        "copy; above it the relation model decides.",
        rich_help_panel="Detection",
    ),
]
RelationModelOpt = Annotated[
    str | None,
    typer.Option(
        "--relation-model",
        help="Relation model file (JSON, made by 'newsdedup train') instead of the shipped one.",
        rich_help_panel="Detection",
        show_default=False,
    ),
]
RelationThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--relation-threshold",
        help="Model probability from which a pair under the near and partial bars is a copy "
        "(default: the model's own).",
        rich_help_panel="Detection",
        show_default=False,
    ),
]
TemplateOpt = Annotated[
    float | None,
    typer.Option(
        "--template-figures",
        help="Share of the shorter text that may differ "
        "only in figures before a match counts as a "
        "'template' (same report, new numbers).",
        rich_help_panel="Detection",
    ),
]
NoRewrite = Annotated[
    bool | None,
    typer.Option(
        "--no-rewrites", help="Skip the search for reworded copies.", rich_help_panel="Detection"
    ),
]
NoOcr = Annotated[
    bool | None,
    typer.Option(
        "--no-ocr",
        help="Skip the search for scanned (OCR-damaged) copies.",
        rich_help_panel="Detection",
    ),
]
NoWindows = Annotated[
    bool | None,
    typer.Option(
        "--no-windows",
        help="Skip signing long articles by windows (finds a dispatch quoted in a longer text).",
        rich_help_panel="Detection",
    ),
]
ShingleOpt = Annotated[
    ShingleKind | None,
    typer.Option(
        "--shingle", help="Shingle on words, or on characters.", rich_help_panel="Detection"
    ),
]
ShingleSize = Annotated[
    int | None,
    typer.Option(
        "--shingle-size",
        "-k",
        help="Words (or characters) per shingle.",
        rich_help_panel="Detection",
    ),
]
NumPerm = Annotated[
    int | None, typer.Option(help="MinHash permutations.", rich_help_panel="Detection")
]
Seed = Annotated[int | None, typer.Option(help="MinHash seed.", rich_help_panel="Detection")]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", help="Processes used to sign articles.", rich_help_panel="Performance"
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar, summary or warnings on stderr.")
]

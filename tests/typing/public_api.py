"""Type-checked with ``mypy --strict`` by tests/test_api.py: the README's and docs' use of the API."""

import newsdedup as nd
from newsdedup import Article, Detector, DetectorConfig, compare

result: nd.Result = nd.scan("seeds/")
kept: list[str] = nd.dedup(["seeds/", "examples/outlet-copy.txt"]).kept_ids()
again = Detector(DetectorConfig.from_options(workers=2)).run([Article("a", "Ministers met.")])
verdict = compare(Article("a", "Ministers met."), Article("b", "Ministers met today."))
articles: list[Article] = list(nd.read_articles(["seeds/"]))
print(result.articles, kept, again.clusters, verdict.relation, nd.__version__, len(articles))

"""The batch detector end to end, through the library API."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsdedup import Article, Detector, DetectorConfig, Relation
from newsdedup.errors import InputError, NoArticlesError


def clusters_of(result):
    return [
        (c.original, sorted((m.id, m.relation.value) for m in c.members)) for c in result.clusters
    ]


def test_the_five_seeds_are_five_distinct_articles(seed_articles):
    result = Detector().run(seed_articles)
    assert result.articles == 5
    assert result.clusters == []
    assert result.duplicates == 0
    assert [m for m in result.matches if m.relation.is_duplicate] == []


def test_republished_and_exact_copies_join_their_seed(seed_articles, republished):
    exact = Article("mirror/000", seed_articles[0].text)
    result = Detector().run([*seed_articles, republished, exact])
    found = dict((o, m) for o, m in clusters_of(result))
    assert found[seed_articles[0].id] == [("mirror/000", "exact")]
    ((member, relation),) = found[seed_articles[1].id]
    assert member == republished.id and relation in ("near", "partial")
    assert result.duplicates == 2


def test_earliest_published_copy_is_the_original(seed_articles, republished):
    early = Article(
        republished.id, republished.text, published=datetime(2022, 10, 11, tzinfo=timezone.utc)
    )
    late = Article(
        seed_articles[1].id,
        seed_articles[1].text,
        published=datetime(2022, 10, 12, tzinfo=timezone.utc),
    )
    result = Detector().run([late, early])
    assert clusters_of(result)[0][0] == republished.id


def test_workers_give_the_same_result(seed_articles, republished):
    articles = [*seed_articles, republished]
    one = Detector(DetectorConfig.from_options(workers=1, batch_size=2)).run(articles)
    two = Detector(DetectorConfig.from_options(workers=2, batch_size=2)).run(articles)
    assert clusters_of(one) == clusters_of(two)
    assert [m.to_dict() for m in one.matches] == [m.to_dict() for m in two.matches]


def test_outlet_boilerplate_is_learned_and_ignored():
    footer = "Get the best of our coverage every morning: sign up for the newsletter today"
    stories = [
        f"Story number {i} reports on a different subject with its own distinct words, item {i * 7}."
        for i in range(8)
    ]
    articles = [Article(f"o{i}", f"{s}\n{footer}", source="outlet") for i, s in enumerate(stories)]
    result = Detector().run(articles)
    assert result.stats["learned_boilerplate_lines"] == 1
    assert result.clusters == []


def test_templates_are_reported_but_never_clustered():
    base = (
        "Grain ships loading at New Orleans elevators numbered {a}, with {b} waiting, trade sources said. "
        "Continental Grain {c}, Bunge {d}, Cargill {e}, ADM {f}, Peavey {g}. Loading was slowed by fog on the "
        "lower Mississippi, and exporters said they expected the line of vessels to shorten later in the week "
        "once barge traffic returned to normal and the grain inspectors cleared the backlog of samples."
    )
    day1 = Article("d1", base.format(a=10, b=18, c=3, d=0, e=4, f=1, g=2))
    day2 = Article("d2", base.format(a=9, b=16, c=5, d=2, e=1, f=0, g=3))
    result = Detector().run([day1, day2])
    assert result.clusters == []
    assert [m.relation for m in result.matches] == [Relation.TEMPLATE]


def test_duplicate_ids_are_an_input_error(seed_articles):
    with pytest.raises(InputError, match="duplicate id"):
        Detector().run([seed_articles[0], seed_articles[0]])


def test_no_articles_is_an_error():
    with pytest.raises(NoArticlesError):
        Detector().run([])


def test_articles_without_words_are_counted_not_compared():
    result = Detector().run(
        [Article("a", "..."), Article("b", "!!!"), Article("c", "real words here")]
    )
    assert result.clusters == []
    assert result.stats["empty"] == 2
    assert any("no text left" in w for w in result.warnings)


def test_character_shingles_find_copies_in_chinese():
    text = "北大西洋公约组织国防部长周二在布鲁塞尔举行会议讨论对乌克兰的支持以及弹药库存问题各国承诺增加产量"
    result = Detector(DetectorConfig.from_options(shingle_kind="char", shingle_size=4)).run(
        [
            Article("zh1", text),
            Article("zh2", "新华社电 " + text[:-6]),
            Article("zh3", "今天天气很好我们去公园散步吧"),
        ]
    )
    ((original, members),) = clusters_of(result)
    assert original == "zh1"
    assert [m[0] for m in members] == ["zh2"] and members[0][1] in ("near", "partial")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "zh",
            "北大西洋公约组织国防部长周二在布鲁塞尔举行会议，讨论对乌克兰的支持以及弹药库存问题。各国承诺增加产量，"
            "并加强防空系统。秘书长表示，联盟必须为长期冲突做好准备，同时继续向基辅提供援助。",
        ),
        (
            "ja",
            "北大西洋条約機構の国防相会合が火曜日にブリュッセルで開かれ、ウクライナへの支援と弾薬の備蓄について協議した。"
            "各国は生産の拡大と防空の強化を約束し、事務総長は長期戦への備えが必要だと述べた。",
        ),
        (
            "th",
            "รัฐมนตรีกลาโหมของนาโตประชุมกันที่กรุงบรัสเซลส์ในวันอังคารเพื่อหารือเรื่องการสนับสนุนยูเครนและคลังกระสุน"
            "ประเทศสมาชิกให้คำมั่นว่าจะเพิ่มการผลิตและเสริมระบบป้องกันภัยทางอากาศ",
        ),
        (
            "ur",
            "نیٹو کے وزرائے دفاع نے منگل کو برسلز میں ملاقات کی اور یوکرین کی حمایت اور گولہ بارود کے ذخائر پر "
            "تبادلہ خیال کیا۔ رکن ممالک نے پیداوار بڑھانے اور فضائی دفاع مضبوط کرنے کا وعدہ کیا۔ سیکرٹری جنرل نے کہا "
            "کہ اتحاد کو طویل تنازع کے لیے تیار رہنا چاہیے۔",
        ),
        (
            "ar",
            "اجتمع وزراء دفاع حلف شمال الأطلسي يوم الثلاثاء في بروكسل لبحث دعم أوكرانيا ومخزونات الذخيرة. وتعهدت "
            "الدول الأعضاء بزيادة الإنتاج وتعزيز الدفاع الجوي، وقال الأمين العام إن الحلف يجب أن يستعد لصراع طويل.",
        ),
    ],
)
def test_copies_are_found_in_scripts_of_every_kind(language, text):
    copy = text[: int(len(text) * 0.8)]  # a trimmed republication
    unrelated = "Le football est un sport populaire dans le monde entier et les supporters remplissent les stades."
    result = Detector().run(
        [
            Article(f"{language}-original", text),
            Article(f"{language}-copy", copy),
            Article("other", unrelated),
        ]
    )
    ((original, members),) = clusters_of(result)
    assert original == f"{language}-original"
    assert [m[0] for m in members] == [f"{language}-copy"] and members[0][1] in ("near", "partial")

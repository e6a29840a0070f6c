"""Answer assembly, question checks and formatting, with the fake encoder and reader."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa import QA, format_answer
from qa.decision import Decision
from qa.pipeline import clean_question
from qa.selection import choose_answer
from qa.types import Chunk, Passage, Span


def passage(article: str, text: str, score: float = 0.5, date: str | None = None, start: int = 100) -> Passage:
    chunk = Chunk(f"{article}:0", article, f"Title of {article}", text, start, start + len(text), "Outlet", date)
    return Passage(chunk, score)


def test_retrieve_returns_k_passages_best_first(fake_qa: QA) -> None:
    passages = fake_qa.retrieve("James Regan Reuters reporting editing Ralph Boulton", k=3)
    assert len(passages) == 3
    assert passages[0].article_id == "000_c41d2c88b869987b.txt"
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


@pytest.mark.parametrize("k", [0, -1])
def test_k_below_one_is_refused(fake_qa: QA, k: int) -> None:
    with pytest.raises(ValueError, match="k must be >= 1"):
        fake_qa.retrieve("Calais", k=k)


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_questions_are_refused(fake_qa: QA, question: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        fake_qa.answer(question)


def test_huge_question_is_refused_quickly(fake_qa: QA) -> None:
    with pytest.raises(ValueError, match="too long"):
        fake_qa.answer("Calais? " * 12_800)


def test_questions_are_cleaned_of_control_characters() -> None:
    assert clean_question("  Who\x00 is\n the  minister? 🇫🇷 ") == "Who is the minister? 🇫🇷"


def test_answer_offsets_point_into_the_article_file(fake_qa: QA) -> None:
    from tests.conftest import SEEDS

    answer = fake_qa.answer("Cazeneuve La Croix interview")
    assert answer.text is not None and answer.article_id is not None
    assert answer.start is not None and answer.end is not None
    file_text = (SEEDS / answer.article_id).read_text(encoding="utf-8")
    assert " ".join(file_text[answer.start : answer.end].split()) == answer.text
    assert answer.sources[0].article_id  # sources are the retrieved passages, in order


def test_below_the_answer_line_the_span_is_a_labelled_guess_and_the_sources_stay() -> None:
    p = passage("a.txt", "Nothing useful here.")
    answer = choose_answer("q", [p], [Span("Nothing", 0, 7, 0.05, p)], Decision(None, 0.2))
    assert answer.text is None and answer.sources == (p,)
    assert answer.status == "guess" and answer.guess is not None and answer.guess.text == "Nothing"
    for markdown in (True, False):
        text = format_answer(answer, markdown=markdown)
        assert "no confident answer" in text and "best guess" in text.lower() and "Nothing" in text
        assert "confidence low (5%)" in text


def test_not_found_shows_no_span_but_the_closest_passages() -> None:
    from qa.decision import Topic

    p = passage("a.txt", "Nothing useful here.")
    spans = [Span("Nothing", 0, 7, 0.05, p, margin=-12.0)]
    # P(on topic) = sigmoid(10 x similarity - 5): the passage is far from the question (similarity 0)
    off = choose_answer("q", [p], spans, Decision(None, 0.2, Topic(10.0, 0.0, -5.0)))
    assert off.status == "not_found" and off.text is None and off.guess is None and off.sources == (p,)
    assert format_answer(off).startswith("I could not find anything about that in the articles.")
    near = replace(p, similarity=0.9)
    assert choose_answer("q", [near], [replace(spans[0], passage=near)], off_decision()).status == "guess"
    # a span confident enough to answer is never "not found", however far the passage
    sure = [Span("Nothing", 0, 7, 0.9, p, margin=8.0)]
    assert choose_answer("q", [p], sure, Decision(None, 0.2, Topic(10.0, 0.0, -5.0))).status == "answer"


def off_decision() -> Decision:
    from qa.decision import Topic

    return Decision(None, 0.2, Topic(10.0, 0.0, -5.0))


def test_an_abstentions_reports_are_shown_as_not_confirmed() -> None:
    p1 = passage("a.txt", "Police broke up 17 people-smuggling networks.", date="2015-08-03")
    p2 = passage("b.txt", "Police had broken 19 human trafficking networks.", date="2015-08-20")
    spans = [Span("17", 16, 18, 0.25, p1), Span("19", 18, 20, 0.1, p2)]
    answer = choose_answer("How many networks were broken up?", [p1, p2], spans, Decision(None, 0.3))
    assert answer.unconfirmed and answer.status == "guess"
    for markdown in (True, False):
        text = format_answer(answer, markdown=markdown)
        assert "no confident answer" in text and "could not find anything" not in text
        assert "What 2 articles report (not confirmed: none is a confident answer):" in text
        assert "Reports differ" not in text
        # each report with its value, outlet and date, newest first
        block = text[text.index("What 2 articles report") :]
        assert block.index("19") < block.index("17") and "Outlet, 2015-08-20" in block and "2015-08-03" in block


def test_one_articles_unconfirmed_report_is_worded_for_one() -> None:
    text = "At least 10 people have been killed since June trying to get to Britain."
    p = passage("b.txt", text, date="2015-08-20")
    spans = [Span("10", 9, 11, 0.2, p)]
    question = "How many migrants have been killed trying to reach England?"
    assert not choose_answer(question, [p], spans, Decision(None, 0.3)).unconfirmed  # one article alone: by default not
    answer = choose_answer(question, [p], spans, Decision(None, 0.3), unconfirmed_articles=1)
    assert answer.unconfirmed
    shown = format_answer(answer, markdown=False)
    assert "What 1 article reports (not confirmed: it is not a confident answer):" in shown and "At least 10" in shown


def test_same_answer_elsewhere_is_not_an_alternative_but_a_different_one_is() -> None:
    p1 = passage("a.txt", "There are 5,000 migrants.", date="2015-08-03")
    p2 = passage("b.txt", "There are 5000 migrants.", date="2015-07-01")
    p3 = passage("c.txt", "There are 2,300 migrants.", date="2015-08-20")
    spans = [Span("5,000", 10, 15, 0.9, p1), Span("5000", 10, 14, 0.8, p2), Span("2,300", 10, 15, 0.7, p3)]
    answer = choose_answer("How many?", [p1, p2, p3], spans, Decision(None, 0.2))
    assert answer.text == "5,000"
    assert [s.text for s in answer.alternatives] == ["2,300"]
    assert [s.article_id for s in answer.agreeing] == ["b.txt"]
    text = format_answer(answer)
    assert "**Reports differ (3 articles):**" in text
    # the answer's report first, then the one that agrees, then the differing one
    assert text.index("**5,000** — Outlet, 2015-08-03") < text.index("**5000** —") < text.index("**2,300** —")


def test_format_answer_cites_and_highlights() -> None:
    p = passage("a.txt", "France's interior minister, Bernard\nCazeneuve, said so.", score=0.8, date="2015-08-03")
    answer = choose_answer("Who?", [p], [Span("Bernard\nCazeneuve", 28, 45, 0.9, p)], Decision(None, 0.2))
    assert answer.text == "Bernard Cazeneuve"
    assert (answer.start, answer.end) == (128, 145)
    text = format_answer(answer)
    assert text.startswith("**Bernard Cazeneuve** — Outlet, 2015-08-03 [1]")
    assert "high (90%)" in text
    assert "1. *Title of a.txt* — Outlet, 2015-08-03 · a.txt (chars 100–155)" in text
    assert "**Bernard Cazeneuve**, said so." in text


def test_article_text_is_never_markup() -> None:
    evil = 'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [link](javascript:alert(3))'
    p = passage("a.txt", evil)
    text = format_answer(choose_answer("q", [p], [], Decision(None, 0.2)))
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    assert "\\[link\\]" in text


def test_answer_alternatives_titles_and_outlets_are_never_markup() -> None:
    """Everything an article controls is escaped: the answer span, another article's span, title, outlet, date."""
    from qa.types import Answer

    evil = "<script>alert(1)</script> *x*"
    chunk_a = Chunk(
        "a.txt:0",
        "<img src=x onerror=alert(2)>.txt",
        "<b>Title</b> [t](javascript:alert(3))",
        evil,
        0,
        len(evil),
        "<i>Outlet</i>",
        "2015-08-03",
    )
    other = "<svg onload=alert(4)> 3,000 migrants"
    chunk_b = Chunk("b.txt:0", "b.txt", "B", other, 0, len(other), "Out`let", "2015-08-04")
    a, b = Passage(chunk_a, 0.9), Passage(chunk_b, 0.8)
    answer = Answer(
        question="q",
        score=0.9,
        sources=(a, b),
        span=Span(evil, 0, len(evil), 0.9, a),
        alternatives=(Span(other, 0, len(other), 0.8, b),),
    )
    text = format_answer(answer)
    import re

    for raw in ("<script", "<img", "<b>", "<i>", "<svg"):
        assert raw not in text, raw
    # the only links are our own "open the article" ones, whose URL has the article's name percent-encoded
    ours = re.findall(r"\[open the article\]\(\?article=([^)\s]*)\)", text)
    assert ours and all(re.fullmatch(r"[\w.%+&=-]*", url) for url in ours), ours
    assert "%3Cimg+src%3Dx+onerror%3Dalert%282%29%3E.txt" in ours[0]
    assert not re.search(r"(?<!\\)\]\(", re.sub(r"\[open the article\]\([^)]*\)", "", text))  # no other link
    assert (
        text.startswith("**&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*x\\***")
        or "&lt;script&gt;" in text.split("\n")[0]
    )
    assert "&lt;svg onload=alert(4)&gt;" in text and "Out\\`let" in text
    assert "&lt;b&gt;Title&lt;/b&gt; \\[t\\]" in text


def test_plain_format_for_the_terminal() -> None:
    p = passage("a.txt", "Bernard Cazeneuve said <so>.")
    answer = choose_answer("Who?", [p], [Span("Bernard Cazeneuve", 0, 17, 0.9, p)], Decision(None, 0.2))
    text = format_answer(answer, markdown=False)
    assert text.startswith("Bernard Cazeneuve — Outlet [1]") and "«Bernard Cazeneuve»" in text and "<so>" in text


def test_the_answer_is_the_most_confident_span_and_its_confidence_its_own() -> None:
    """No merging: articles that agree are shown as agreeing, but do not lift a weak span over a strong one, nor
    its confidence above its own (what the calibration means)."""
    a1 = passage("a.txt", "Bernard Cazeneuve said.", start=0)
    b = passage("b.txt", "Minister Bernard Cazeneuve.")
    c = passage("c.txt", "Theresa May said.")
    spans = [Span("Bernard Cazeneuve", 0, 17, 0.5, a1), Span("Bernard Cazeneuve", 9, 26, 0.5, b)]
    spans.append(Span("Theresa May", 0, 11, 0.7, c))
    answer = choose_answer("Who?", [a1, b, c], spans, Decision(None, 0.6))
    assert answer.text == "Theresa May" and answer.score == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("3000", "3,000", True),
        ("some 3,000", "3 000 migrants", True),
        ("2,500 migrants", "2,500 immigrants", True),
        ("30%", "30 per cent", True),
        ("30%", "30", False),
        ("3.50", "3.5", True),
        ("2 July", "2 August", False),
        ("2015-08-03", "2015-08-04", False),
        ("5,000", "2,300", False),
        ("Bernard Cazeneuve", "bernard cazeneuve.", True),
        ("17 and 19", "17", False),
        ("3,000 market traders", "3000", True),  # "market" is no month
    ],
)
def test_answers_compare_as_numbers_where_they_are_numbers(a: str, b: str, same: bool) -> None:
    from qa.text import answer_key

    assert (answer_key(a) == answer_key(b)) is same


def test_agreeing_figures_written_differently_are_no_disagreement() -> None:
    p1, p2 = passage("a.txt", "There are some 3,000 migrants."), passage("b.txt", "About 3 000 migrants wait.")
    spans = [Span("some 3,000", 10, 20, 0.7, p1), Span("3 000", 6, 11, 0.5, p2)]
    answer = choose_answer("How many migrants?", [p1, p2], spans, Decision(None, 0.6))
    assert answer.text == "some 3,000" and answer.score == pytest.approx(0.7)
    assert answer.alternatives == () and [s.article_id for s in answer.agreeing] == ["b.txt"]


def test_the_reply_leads_with_the_answer_in_its_sentence_and_collapses_the_sources() -> None:
    p = passage("a.txt", "Officials said on Monday that the mayor, Natacha Bouchart, had met MPs.")
    i = p.text.index("Natacha")
    answer = choose_answer("Who is the mayor?", [p], [Span("Natacha Bouchart", i, i + 16, 0.9, p)], Decision(None, 0.2))
    lines = format_answer(answer).splitlines()
    assert lines[0] == "**Natacha Bouchart** — Outlet [1] — confidence high (90%)"
    assert lines[1].startswith("> “") and "the mayor, **Natacha Bouchart**, had met MPs." in lines[1]
    assert lines[3] == "<details><summary><strong>Sources</strong> (1)</summary>" and lines[-1] == "</details>"
    plain = format_answer(answer, markdown=False)
    assert "<details>" not in plain and "\nSources\n1. " in plain


def test_a_mistyped_word_is_read_as_the_articles_word_and_the_reply_says_so(fake_qa: QA) -> None:
    answer = fake_qa.answer("Cazenueve La Croix interview")
    assert answer.asked == "Cazenueve La Croix interview"
    assert answer.question == "Cazeneuve La Croix interview"
    assert "Read as: Cazeneuve La Croix interview" in format_answer(answer, markdown=False)
    spelt_right = fake_qa.answer("Cazeneuve La Croix interview")
    assert spelt_right.asked is None and "Read as" not in format_answer(spelt_right, markdown=False)
    assert spelt_right.text == answer.text


def test_the_answers_passage_is_source_1_and_agreement_counts_the_other_articles() -> None:
    first = passage("a.txt", "The mayor met the minister.", date="2015-08-03")
    second = passage("b.txt", "Natacha Bouchart is the mayor of Calais.", date="2015-08-04")
    third = passage("c.txt", "Calais's mayor, Natacha Bouchart, spoke.", date="2015-08-05")
    spans = [
        Span("Natacha Bouchart", 0, 16, 0.9, second),
        Span("Natacha Bouchart", 15, 31, 0.6, third),
        Span("the minister", 14, 26, 0.2, first),
    ]
    answer = choose_answer("Who is the mayor of Calais?", [first, second, third], spans, Decision(None, 0.5))
    assert [p.article_id for p in answer.sources] == ["b.txt", "a.txt", "c.txt"]  # the answer's first, then ranking
    text = format_answer(answer)
    assert text.splitlines()[0].startswith("**Natacha Bouchart** — Outlet, 2015-08-04 [1]")
    assert "**1 other article agrees:**" in text and "articles agree" not in text
    assert "[open the article](?article=b.txt&start=100&end=116)" in text.split("<details>")[1].splitlines()[2]


def test_a_report_without_an_outlet_says_whose_it_is_by_its_title() -> None:
    from qa.formatting import report_line

    mine = passage("a.txt", "Some 3,000 migrants wait.", date="2015-08-03")
    theirs = Passage(Chunk("b.txt:0", "b.txt", "Migrants at the port", "About 2,500 migrants.", 0, 21), 0.5)
    answer = choose_answer(
        "How many migrants?",
        [mine, theirs],
        [Span("Some 3,000", 0, 10, 0.9, mine), Span("2,500", 6, 11, 0.5, theirs)],
        Decision(None, 0.6),
    )
    line = report_line(answer, answer.alternatives[0], True)
    assert line.startswith("- **About 2,500** — *Migrants at the port*, undated [2]"), line  # "About": the value
    assert "— undated" not in line

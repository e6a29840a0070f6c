"""Which passages are read (qa.reading) and which other articles' reports are shown (qa.selection.reports)."""

from __future__ import annotations

import pytest

from qa.decision import Decision
from qa.kinds import wanted
from qa.reading import reading_set
from qa.selection import choose_answer, same_answer
from qa.types import Chunk, Passage, Span

HOW_MANY = "How many migrants are in Calais?"


def passage(article: str, n: int, text: str, date: str | None = None) -> Passage:
    return Passage(Chunk(f"{article}:{n}", article, f"Title {article}", text, 0, len(text), "Outlet", date), 0.5)


def test_the_k_best_stay_and_each_other_article_adds_its_best_passage_of_the_kind() -> None:
    ranked = [
        passage("a", 0, "Around 2,500 migrants are in Calais."),
        passage("a", 1, "The mayor spoke to MPs."),
        passage("b", 0, "The minister spoke on the radio."),  # b: no count, so it is no evidence
        passage("b", 1, "Up to 2,300 migrants wait in Calais."),
        passage("c", 0, "The estimated 5,000 migrants in Calais."),
        passage("c", 1, "Some 5,000 migrants."),
    ]
    read = reading_set(ranked, 3, 6, wanted(HOW_MANY))
    assert [p.chunk.id for p in read] == ["a:0", "a:1", "b:0", "b:1", "c:0"]
    assert [p.for_reports for p in read] == [False, False, False, True, True]


def test_an_article_whose_passage_counts_something_else_still_gets_its_figure_read() -> None:
    ranked = [
        passage("a", 0, "Police arrested 514 people."),  # a count of arrests, not of migrants
        passage("a", 1, "Some 3,000 people are camped in Calais."),
    ]
    read = reading_set(ranked, 1, 3, wanted(HOW_MANY))
    assert [p.chunk.id for p in read] == ["a:0", "a:1"]


def test_the_budget_caps_the_reading_and_zero_extra_reads_the_k_best_only() -> None:
    ranked = [passage(a, 0, f"There are {n} migrants in Calais.") for a, n in zip("abcdef", range(1, 7), strict=True)]
    assert len(reading_set(ranked, 2, 4, wanted(HOW_MANY))) == 4
    assert reading_set(ranked, 2, 2, wanted(HOW_MANY)) == ranked[:2]
    # a question with no kind: every article not yet read adds its best passage
    assert [p.article_id for p in reading_set(ranked, 1, 3, wanted("Who is the mayor?"))] == ["a", "b", "c"]


def span(p: Passage, value: str, score: float) -> Span:
    i = p.text.index(value)
    return Span(value, i, i + len(value), score, p)


def test_reports_are_each_articles_best_value_of_the_kind_asked_for_newest_first() -> None:
    a = passage("a", 0, "There are around 2,500 migrants in Calais.", "2015-08-01")
    b = passage("b", 0, "Police broke up 19 networks and seized 40 boats.", "2015-08-20")
    c = Passage(passage("c", 0, "The estimated 5,000 migrants in Calais.", "2015-08-03").chunk, 0.4, for_reports=True)
    d = Passage(passage("d", 0, "Calais has up to 2,300 migrants; 30% more.", None).chunk, 0.3, for_reports=True)
    spans = [span(a, "2,500", 0.7), span(b, "19", 0.5), span(c, "5,000", 0.9), span(d, "30%", 0.6)]
    spans += [span(d, "2,300", 0.2), span(b, "40", 0.4)]
    answer = choose_answer(HOW_MANY, [a, b, c, d], spans, Decision(None, 0.3), report_score=0.15)
    # the answer comes from the retrieved passages only, even though c's 5,000 scored higher
    assert answer.text == "around 2,500" and answer.article_id == "a"
    # b's figures count networks and boats, d's 30% is a share: none is shown; d's figure keeps its "up to";
    # dated reports come newest first, an undated one last
    assert [(s.article_id, s.text) for s in answer.alternatives] == [("c", "estimated 5,000"), ("d", "up to 2,300")]
    assert answer.reports_differ and answer.agreeing == ()


def test_a_weak_report_is_shown_only_when_its_form_names_what_is_counted() -> None:
    a = passage("a", 0, "There are around 2,500 migrants in Calais.")
    b = passage("b", 0, "Calais, where there are currently 3000 migrants.")
    c = passage("c", 0, "The mayor says there are 4,000 in Calais.")
    spans = [span(a, "2,500", 0.8), span(b, "3000", 0.08), span(c, "4,000", 0.08)]
    answer = choose_answer(HOW_MANY, [a, b, c], spans, Decision(None, 0.3), report_score=0.15, named_report_score=0.05)
    # both fit a count of migrants, but only b's says what it counts: c's needs 0.15
    assert [(s.article_id, s.text) for s in answer.alternatives] == [("b", "3000")]
    strict = choose_answer(HOW_MANY, [a, b, c], spans, Decision(None, 0.3), report_score=0.15, named_report_score=0.15)
    assert strict.alternatives == ()


def test_another_article_giving_the_same_answer_agrees_and_a_weak_one_is_not_shown() -> None:
    a = passage("a", 0, "The mayor, Natacha Bouchart, spoke.")
    b = passage("b", 0, "Calais mayor Natacha Bouchart told MPs.")
    c = passage("c", 0, "Theresa May met Bernard Cazeneuve.")
    spans = [span(a, "Natacha Bouchart", 0.8), span(b, "Bouchart", 0.5), span(c, "Theresa May", 0.2)]
    answer = choose_answer("Who is the mayor of Calais?", [a, b, c], spans, Decision(None, 0.3), report_score=0.15)
    assert answer.text == "Natacha Bouchart"
    assert [s.article_id for s in answer.agreeing] == ["b"]
    # no kind to check: a report from another article needs the answer threshold (0.3), so c's 0.2 is not shown
    assert answer.alternatives == () and not answer.reports_differ


def test_without_a_kind_a_differing_report_needs_more_confidence_than_an_agreeing_one() -> None:
    a = passage("a", 0, "The mayor, Natacha Bouchart, spoke.")
    b = passage("b", 0, "Calais mayor Natacha Bouchart told MPs.")
    c = passage("c", 0, "Theresa May met Bernard Cazeneuve.")
    question = "Who is the mayor of Calais?"
    spans = [span(a, "Natacha Bouchart", 0.8), span(b, "Bouchart", 0.35), span(c, "Theresa May", 0.45)]
    answer = choose_answer(question, [a, b, c], spans, Decision(None, 0.3), other_report_score=0.5)
    # b gives the answer at 0.35 and agrees; c's differing name at 0.45 is below 0.5, not a competing answer
    assert [s.article_id for s in answer.agreeing] == ["b"] and answer.alternatives == ()
    shown = choose_answer(question, [a, b, c], spans, Decision(None, 0.3), other_report_score=0.4)
    assert [(s.article_id, s.text) for s in shown.alternatives] == [("c", "Theresa May")]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Cazeneuve", "Bernard Cazeneuve", True),
        ("BBC", "BBC Radio 5 Live", True),  # the longer holds a number; the shorter's words are all in it
        ("Radio 4", "BBC Radio 5 Live", False),
        ("3,000", "3000 migrants", True),
        ("2,500", "2,500 migrants in 2014", False),
        ("Theresa May", "Natacha Bouchart", False),
        ("", "BBC", False),
    ],
)
def test_same_answer_nests_names_but_not_figures(a: str, b: str, same: bool) -> None:
    assert same_answer(a, b) is same and same_answer(b, a) is same


def test_an_abstention_with_one_articles_figure_shows_no_reports() -> None:
    a = passage("a", 0, "There are around 2,500 migrants in Calais.")
    answer = choose_answer(HOW_MANY, [a], [span(a, "2,500", 0.1)], Decision(None, 0.3))
    assert answer.span is None and answer.alternatives == () and answer.agreeing == ()


def test_a_passages_lower_ranked_spans_give_reports_never_the_answer() -> None:
    a = passage("a", 0, "There are around 2,500 migrants in Calais.")
    b = passage("b", 0, "At least 10 people have been killed. Some 3,000 people are camped in Calais.")
    i = b.text.index("Some 3,000")
    runner_up = Span("3,000", i + 5, i + 10, 0.9, b, rank=2)  # strongest of all, but the passage's third span
    spans = [span(a, "2,500", 0.5), span(b, "10", 0.2), runner_up]
    answer = choose_answer(HOW_MANY, [a, b], spans, Decision(None, 0.3), report_score=0.15, answer_ranks=2)
    assert answer.text == "around 2,500"
    assert [(s.article_id, s.text) for s in answer.alternatives] == [("b", "Some 3,000")]  # "10" counts deaths
    # with three spans a passage may answer, it does
    assert choose_answer(HOW_MANY, [a, b], spans, Decision(None, 0.3), answer_ranks=3).text == "Some 3,000"


def test_an_article_adds_its_passage_where_the_figure_is_said_of_what_the_question_is_about() -> None:
    ranked = [
        passage("a", 0, "Around 2,500 migrants are in Calais."),
        passage("b", 0, "Frontex reported a record 107,500 migrants at the EU's borders last month."),
        passage("b", 1, "Some 3,000 people from Africa are camped in Calais."),
    ]
    read = reading_set(ranked, 1, 2, wanted("How many migrants does Calais currently host?"))
    # b's better-ranked passage has a count of migrants too, but of the EU's borders: its Calais figure is read
    assert [p.chunk.id for p in read] == ["a:0", "b:1"]
    # without a word of the question beside either figure, the better-ranked passage is read, as before
    assert [p.chunk.id for p in reading_set(ranked, 1, 2, wanted(HOW_MANY_ANYWHERE))] == ["a:0", "b:0"]


HOW_MANY_ANYWHERE = "How many migrants are there?"
NETWORKS = "How many smuggling networks have been broken up?"


def test_an_abstention_shows_the_reports_when_two_articles_give_a_value_of_the_kind() -> None:
    a = passage("a", 0, "Police broke up 17 people-smuggling networks so far this year.", "2015-08-03")
    text = "French police had broken 19 human trafficking networks operating in the area, arresting 514 people."
    b = passage("b", 0, text, "2015-08-20")
    c = passage("c", 0, "Officials met in Paris on Thursday.")
    spans = [span(a, "17", 0.25), span(b, "19", 0.08), span(b, "514", 0.2), span(c, "Paris", 0.1)]
    answer = choose_answer(NETWORKS, [a, b, c], spans, Decision(None, 0.3), report_score=0.15, named_report_score=0.05)
    # no span is strong enough to answer; both articles' counts of networks are shown, newest first, none the
    # answer; the 514 arrested and the place are not
    assert answer.text is None and answer.unconfirmed and not answer.reports_differ
    assert [(s.article_id, s.text) for s in answer.alternatives] == [("b", "19"), ("a", "17")]
    # one article's figure alone is the reader's doubt, not a report to show
    alone = choose_answer(NETWORKS, [a, c], spans[:1] + spans[3:], Decision(None, 0.3), report_score=0.15)
    assert alone.text is None and alone.alternatives == () and not alone.unconfirmed
    # 0 turns it off; a question without a kind never shows any
    off = choose_answer(NETWORKS, [a, b, c], spans, Decision(None, 0.3), unconfirmed_articles=0)
    assert off.alternatives == ()
    assert choose_answer("Who broke up the networks?", [a, b, c], spans, Decision(None, 0.3)).alternatives == ()


def test_a_span_with_no_figure_is_left_to_the_reader() -> None:
    c = passage("c", 0, "Britain sent several officers.")
    question = "How many British police officers were sent to Calais?"
    assert (
        choose_answer(question, [c], [span(c, "several officers", 0.6)], Decision(None, 0.3)).text == "several officers"
    )


def test_an_article_whose_best_passages_are_off_the_topic_still_adds_one_on_it() -> None:
    question = "How many migrants does Calais currently host?"
    ranked = [
        passage("b", 0, "Frontex reported a record 107,500 migrants at the EU's borders last month."),
        passage("a", 0, "Around 2,500 migrants are in Calais."),
        passage("b", 1, "Nearly 21,000 migrants landed on the Greek islands."),
        passage("b", 2, "Some 3,000 people from Africa are camped in Calais."),
        passage("c", 0, "Up to 600 migrants arrived in Rome."),
    ]
    read = reading_set(ranked, 2, 5, wanted(question))
    # b's passage among the top two counts migrants elsewhere: its Calais passage is read; c, which has no passage
    # on the topic and none among the top two, adds its best one as before
    assert [p.chunk.id for p in read] == ["b:0", "a:0", "b:2", "c:0"]
    # an article with an off-topic figure among the top passages and no passage on the topic adds nothing
    assert [p.chunk.id for p in reading_set(ranked[:3], 2, 5, wanted(question))] == ["b:0", "a:0"]


def test_an_articles_report_is_its_value_about_the_questions_topic() -> None:
    a = passage("a", 0, "There are around 2,500 migrants in Calais.")
    text = "Frontex counted 107,500 migrants at the EU's borders. Some 3,000 migrants are camped in Calais."
    b = passage("b", 0, text, "2015-08-20")
    spans = [span(a, "2,500", 0.8), span(b, "107,500", 0.4), span(b, "3,000", 0.2)]
    answer = choose_answer(HOW_MANY, [a, b], spans, Decision(None, 0.3), report_score=0.15)
    # b's stronger figure counts migrants too, but not in Calais: its Calais figure is its report
    assert [(s.article_id, s.text) for s in answer.alternatives] == [("b", "Some 3,000")]
    # without a word of the question beside either, the stronger one is
    anywhere = choose_answer(HOW_MANY_ANYWHERE, [a, b], spans, Decision(None, 0.3), report_score=0.15)
    assert [(s.article_id, s.text) for s in anywhere.alternatives] == [("b", "107,500")]


def test_a_span_across_a_blank_line_is_no_answer_but_a_figure_narrowed_from_one_is() -> None:
    text = "Bernard Cazeneuve\n\nLabour: France needs to do more\n\nShadow minister David Hanson said so."
    a = passage("a", 0, text)
    i = text.index("David Hanson")
    across = Span(text[: i + 12], 0, i + 12, 0.8, a)
    spans = [across, span(a, "David Hanson", 0.5)]
    answer = choose_answer("Who says France needs to do more?", [a], spans, Decision(None, 0.3))
    assert answer.text == "David Hanson"
    b = passage("b", 0, "At least 10 people have been killed.\n\nSome 3,000 people are camped in Calais.")
    j = b.text.index("3,000")
    wide = Span(b.text[: j + 5], 0, j + 5, 0.5, b)  # from the deaths into the next paragraph's figure
    assert choose_answer(HOW_MANY, [b], [wide], Decision(None, 0.3)).text == "Some 3,000"


def test_a_sum_is_another_articles_report_only_where_its_sentence_says_it_is_paid() -> None:
    a = passage("a", 0, "Britain has pledged £12 million to boost security at the port.")
    b = passage("b", 0, "Britain will also provide 10 million euros to speed up asylum applications.")
    c = passage("c", 0, "£36 may not seem like much in the UK, but these people do not know that.")
    spans = [span(a, "£12 million", 0.7), span(b, "10 million euros", 0.4), span(c, "£36", 0.4)]
    answer = choose_answer("How much money has Britain promised?", [a, b, c], spans, Decision(None, 0.3))
    assert answer.text == "£12 million"
    assert [s.text for s in answer.alternatives] == ["10 million euros"]  # not "£36", of which nothing is paid

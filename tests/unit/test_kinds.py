"""The kind of value a question asks for, and which spans are one (qa.kinds), on text shaped like the seeds'."""

from __future__ import annotations

import pytest

from qa.kinds import (
    COUNT,
    DATE,
    MONEY,
    OTHER,
    fits,
    names,
    on_topic,
    passage_has,
    topic_words,
    value_bounds,
    wanted,
)

HOW_MANY_MIGRANTS = "How many migrants are in Calais?"


@pytest.mark.parametrize(
    ("question", "kind", "unit"),
    [
        ("How many migrants are in Calais?", COUNT, "migrants"),
        ("What is the estimated number of migrants at Calais?", COUNT, "migrants"),
        ("How many people-smuggling networks have been broken up this year?", COUNT, "networks"),
        ("How many migrants try to cross each night?", COUNT, "migrants"),
        ("How much money is Britain providing?", MONEY, None),
        ("How much is the UK contributing to security in Calais?", MONEY, None),
        ("How long did the ministers spend in Calais?", OTHER, None),
        ("When did the ministers meet?", DATE, None),
        ("Who is the mayor of Calais?", OTHER, None),
        # what a population's count counts is its noun ("migrant" counted as migrants) or the population itself
        ("How large is the migrant camp population at Calais?", COUNT, "migrants"),
        ("What is the population of Calais?", COUNT, None),  # no word of it is what is counted
        ("What’s the number of migrants in Calais?", COUNT, "migrants"),
        ("Who's the mayor of Calais?", OTHER, None),
        ("When did Frontex report the record number of migrants?", DATE, None),  # when first: a date
        ("What number of migrants did Frontex report on Tuesday?", COUNT, "migrants"),
        ("Tally of smuggling networks broken up this year?", COUNT, "networks"),
        ("What figure of speech does the mayor use?", OTHER, None),
        ("What funding has Britain promised for Calais?", MONEY, None),
        ("How many pounds of steam does the engine use?", COUNT, "pounds"),  # a weight, not money
        ("How much water does the Aare give to the Rhine?", OTHER, None),  # "how much" of water, not money
        ("What is the size of the UK contribution to Calais?", MONEY, None),
        ("What are the migrant numbers at Calais?", COUNT, "migrants"),  # the noun before "numbers" is counted
        ("What is the headcount of migrants at Calais?", COUNT, "migrants"),
        ("Which French composer wrote music using prime numbers?", OTHER, None),  # about numbers, not asking one
        ("What was the date of the interior ministers' meeting?", DATE, None),
        # wordings no rule of qa.kinds ever listed (issue 31)
        ("Britain's pledge came to how much?", MONEY, None),
        ("Give me the count of people-smuggling networks broken up.", COUNT, "networks"),
        ("How many officers were deployed to Calais?", COUNT, "officers"),
        ("What was the price of the fence?", MONEY, None),
        ("In what month did the talks happen?", DATE, None),
        ("Which outlet reported the story?", OTHER, None),
    ],
)
def test_questions_say_what_kind_of_value_they_want(question: str, kind: str, unit: str | None) -> None:
    """The question-kind model's kind and counted noun (qa.question_kind) as qa.kinds uses them."""
    want = wanted(question)
    assert (want.kind, want.unit) == (kind, unit)


GREECE = "the number of migrants arriving in Greece is accelerating, with nearly 21,000 landing on the islands"
NETWORKS = "French police had broken 19 human trafficking networks operating in the area, arresting 514 people."
DISMANTLED = "the number of networks dismantled in 2014 has increased by 30% compared to the previous year"


def at(text: str, value: str) -> tuple[int, int]:
    i = text.index(value)
    return i, i + len(value)


@pytest.mark.parametrize(
    ("question", "text", "value", "ok"),
    [
        ("How many networks were broken up?", NETWORKS, "19", True),
        ("How many networks were broken up?", NETWORKS, "514", False),  # a count of people arrested
        ("How many networks were broken up?", DISMANTLED, "30%", False),  # a share
        ("How many networks were broken up?", DISMANTLED, "2014", False),  # a year
        ("How many migrants are in Calais?", "Some 3,000 people are camped in Calais.", "3,000", True),
        ("How many migrants are in Calais?", "the estimated 5,000\nmigrants in Calais", "5,000", True),
        ("How many migrants are in Calais?", "There are 3000.", "3000", True),  # nothing counted after it
        ("How many people are camped in Calais?", "There are around 2,500 migrants in Calais.", "2,500", True),
        ("How many people are camped in Calais?", "The mayor said 514 smugglers live there.", "514", True),
        ("How many people are camped in Calais?", "The police broke up 19 networks.", "19", False),
        ("How many migrants are in Calais?", "The police arrested 514 smugglers.", "514", False),  # not migrants
        ("How many migrants are in Calais?", "It has pledged £12 million over three years.", "£12 million", False),
        ("How much money is Britain providing?", "It has pledged £12 million over three years.", "£12 million", True),
        ("How much money is Britain providing?", "a fund of 15 million, financed by the UK", "15 million", True),
        ("How much money is Britain providing?", "some 15 million people live there", "15 million", False),
        ("How much money is Britain providing?", "There are 2,500 migrants.", "2,500", False),
        ("When did they meet?", "They met on Thursday 2 July in Paris.", "Thursday 2 July", True),
        ("When did they meet?", "They met in Paris.", "Paris", False),
        ("Who met?", "They met in Paris.", "Paris", True),  # no kind: anything goes
        # the noun left out after the number: what the sentence is about is counted
        ("How many migrants landed in Greece?", GREECE, "21,000", True),
        (
            "How many asylum seekers were predicted?",
            "750,000, far above the 500,000 initially predicted",
            "500,000",
            True,
        ),
        ("How many migrants are in Calais?", "Britain sent 3,000 trained officers.", "3,000", False),
    ],
)
def test_a_span_fits_when_it_is_a_value_of_the_kind_asked_for(question: str, text: str, value: str, ok: bool) -> None:
    assert fits(wanted(question), text, *at(text, value)) is ok


@pytest.mark.parametrize(
    ("question", "text", "value", "named"),
    [
        (HOW_MANY_MIGRANTS, "Calais, where there are currently 3000 migrants", "3000", True),
        (HOW_MANY_MIGRANTS, "Some 3,000 people are camped in Calais", "3,000", True),  # people: migrants are
        ("How many people are in Calais?", "where there are currently 3000 migrants", "3000", True),
        ("How many networks were broken up?", "Some 3,000 people are camped in Calais", "3,000", False),
        (HOW_MANY_MIGRANTS, "There are 2,500 in Calais", "2,500", False),  # fits, nothing counted after it
        (HOW_MANY_MIGRANTS, "Police broke up 19 networks", "19", False),  # does not fit at all
        ("How much money is Britain providing?", "Britain has pledged £12 million", "£12 million", True),
        ("How much money is Britain providing?", "10 million euros over two years", "10 million euros", True),
        ("How much money is Britain providing?", "a fund of 15 million, financed by the UK", "15 million", False),
        ("When did they meet?", "They met on Thursday 2 July in Paris.", "Thursday 2 July", True),
        ("When did they meet?", "They met in 2014.", "2014", False),
        ("Who met?", "They met in Paris.", "Paris", False),  # no kind: nothing to name
    ],
)
def test_a_value_names_its_kind_when_its_form_says_what_it_is(
    question: str, text: str, value: str, named: bool
) -> None:
    assert names(wanted(question), text, *at(text, value)) is named


@pytest.mark.parametrize(
    ("question", "text", "value", "ok"),
    [
        ("How many refugees are in Calais?", "Calais has 2,500 immigrants waiting", "2,500", True),
        ("How many asylum seekers are waiting in Calais?", "there are currently 3000 migrants", "3000", True),
        ("How many smuggling rings were dismantled?", NETWORKS, "19", True),
        ("How many gangs were broken up?", "break up 17 people-smuggling networks", "17", True),
        ("How many refugees are in Calais?", NETWORKS, "19", False),  # networks are not refugees
        ("How many smuggling rings were dismantled?", "Calais has 2,500 immigrants", "2,500", False),
    ],
)
def test_nouns_news_uses_for_the_same_counted_thing_count_it(question: str, text: str, value: str, ok: bool) -> None:
    want = wanted(question)
    assert fits(want, text, *at(text, value)) is ok
    assert names(want, text, *at(text, value)) is ok  # a synonym names the thing as well as the word itself


def test_a_passage_holds_the_kind_when_any_of_its_values_fits() -> None:
    counts = wanted("How many networks were broken up?")
    assert passage_has(counts, NETWORKS)
    assert not passage_has(counts, DISMANTLED)
    assert passage_has(wanted("How much money is Britain providing?"), "a fund of 15 million, financed by the UK")


@pytest.mark.parametrize(
    ("question", "text", "read", "shown"),
    [
        ("How many migrants?", "struggle to cope with up to 2,300 migrants", "2,300", "up to 2,300"),
        ("How many migrants?", "groups of the estimated 5,000\nmigrants", "5,000", "estimated 5,000"),
        ("How many migrants?", "There are around 2,500 migrants", "2,500", "around 2,500"),
        ("How many networks?", NETWORKS, "19 human trafficking networks operating in the area, arresting 514", "19"),
        ("How many migrants?", "the 2,500 migrants", "2,500", "2,500"),
        ("Who is the mayor?", "said some 2,500 people", "2,500", "2,500"),  # not a figure question: as read
    ],
)
def test_a_figure_is_shown_with_its_approximation_and_without_other_figures(
    question: str, text: str, read: str, shown: str
) -> None:
    start, end = value_bounds(wanted(question), text, *at(text, read))
    assert text[start:end] == shown


def test_a_compound_counts_its_last_part_and_an_open_bracket_is_cut() -> None:
    people = wanted("How many people are camped in Calais?")
    text = "break up 17 people-smuggling networks so far"
    assert not fits(people, text, *at(text, "17"))  # networks of people smugglers are not people
    money = wanted("How much money did Britain pledge?")
    text = "Britain will provide 10 million euros ($11.2 million) over two years"
    start, end = value_bounds(money, text, *at(text, "10 million euros ($11.2 million"))
    assert text[start:end] == "10 million euros"


@pytest.mark.parametrize(
    ("question", "text", "value", "ok"),
    [
        (HOW_MANY_MIGRANTS, NETWORKS, "514", False),  # arrests: the issue's own example of a wrong kind
        (HOW_MANY_MIGRANTS, "At least 10 people have been killed since June trying to get to Britain", "10", False),
        (
            HOW_MANY_MIGRANTS,
            "There are around 2,500 migrants in Calais and the mayor says many are prepared to die",
            "2,500",
            True,
        ),  # "die" is too far from the figure to be what it counts
        ("How many networks were broken up?", NETWORKS, "19", True),  # "arresting" comes after the networks' clause
        ("How many people were detained by police?", NETWORKS, "514", True),  # detained ~ arrested
        (
            "How many people have died trying to reach Britain?",
            "At least 10 people have been killed since June",
            "10",
            True,
        ),
        (
            "How many people have died trying to reach Britain?",
            "There are around 2,500 migrants in Calais.",
            "2,500",
            False,
        ),  # a population does not answer a count of deaths
    ],
)
def test_a_count_near_an_event_counts_that_event(question: str, text: str, value: str, ok: bool) -> None:
    want = wanted(question)
    assert fits(want, text, *at(text, value)) is ok
    if not ok:  # and it is not narrowed to either: value_bounds keeps to figures that count what is asked
        assert not names(want, text, *at(text, value))


NIGHTLY = "A couple of months ago, 2 000 people were attempting to get through every night."


def test_a_count_per_night_answers_only_a_question_about_a_rate() -> None:
    assert not fits(wanted(HOW_MANY_MIGRANTS), NIGHTLY, *at(NIGHTLY, "2 000"))
    assert fits(wanted("How many people try to get through each night?"), NIGHTLY, *at(NIGHTLY, "2 000"))
    stock = "Nightly attempts by large groups of the estimated 5,000 migrants in Calais have provoked anger."
    assert not fits(wanted("How many people try to get through each night?"), stock, *at(stock, "5,000"))
    assert fits(wanted(HOW_MANY_MIGRANTS), stock, *at(stock, "5,000"))  # "Nightly" is the attempts', before it


def test_a_span_with_two_figures_is_narrowed_to_the_one_that_counts_what_is_asked() -> None:
    text = "At least 10 people have been killed since June.\n\nSome 3,000 people from Africa are camped in Calais"
    start, end = value_bounds(wanted(HOW_MANY_MIGRANTS), text, 0, text.index("3,000") + 5)
    assert text[start:end] == "Some 3,000"


@pytest.mark.parametrize(
    ("question", "text", "value", "ok"),
    [
        # people in general are not some of them: "3,000 people" is not how many children, nor "2,500 migrants"
        ("How many children are in the Calais camps?", "Some 3,000 people are camped in Calais.", "3,000", False),
        ("How many women are in Calais?", "There are around 2,500 migrants in Calais.", "2,500", False),
        ("How many children are in the Calais camps?", "Some 300 children are camped in Calais.", "300", True),
        ("How many refugees are in Calais?", "Some 3,000 people are camped in Calais.", "3,000", True),
    ],
)
def test_people_in_general_name_a_population_not_a_part_of_it(question: str, text: str, value: str, ok: bool) -> None:
    assert names(wanted(question), text, *at(text, value)) is ok


def test_a_sum_in_brackets_after_another_is_the_same_sum_converted() -> None:
    money = wanted("How much money is Britain providing?")
    text = "Britain will also provide 10 million euros ($11.2 million) over two years."
    assert fits(money, text, *at(text, "10 million euros"))
    assert not fits(money, text, *at(text, "$11.2 million")) and not fits(money, text, *at(text, "11.2 million"))
    pledged = "Britain has pledged £12 million (S$24.6 million) over three years."
    assert not fits(money, pledged, *at(pledged, "S$24.6 million")) and fits(
        money, pledged, *at(pledged, "£12 million")
    )
    # a bracket that is not a conversion keeps its sum
    aside = "The fund (£5 million in all) was spent."
    assert fits(money, aside, *at(aside, "£5 million"))


def test_a_million_is_part_of_the_number_not_what_it_counts() -> None:
    people = wanted("What is the population of Warsaw?")
    text = "Warsaw had 1.7 million in 2010."
    assert fits(people, text, text.index("1.7"), text.index("1.7") + len("1.7 million"))


def test_the_topic_is_what_the_question_asks_about_beside_its_value() -> None:
    want = wanted("How many migrants does Calais currently host?")
    assert want.topic == topic_words("How many migrants does Calais currently host?", "migrants")
    assert {"calai", "currently", "host"} == set(want.topic)  # no stop words, asking words or the counted unit
    assert on_topic(want, "Frontex counted 107,500 migrants at the borders. Some 3,000 people are camped in Calais.")
    assert not on_topic(want, "Frontex reported 107,500 migrants at the EU's borders last month.")
    assert not on_topic(wanted("Who is the mayor?"), "The mayor of Calais.")  # no kind, no topic
    # who is counted is not the topic: "migrant" would match any count of migrants anywhere
    population = wanted("What is the size of the migrant population in Calais?")
    assert set(population.topic) == {"calai", "population"}  # "migrant" is what is counted
    assert not on_topic(population, "Frontex reported 107,500 migrants at the EU's borders last month.")


def test_a_span_that_cuts_a_number_is_no_figure() -> None:
    want = wanted("How many police officers were sent to Calais?")
    text = "Calais has around 2,500 immigrants waiting."
    two = text.index("2,500")
    assert not fits(want, text, two, two + 1)  # "2" of "2,500", which the reader may give
    assert not fits(wanted(HOW_MANY_MIGRANTS), text, two + 2, two + 5)  # "500"
    assert fits(wanted(HOW_MANY_MIGRANTS), text, two, two + 5)


@pytest.mark.parametrize(
    ("text", "value", "is_date"),
    [
        ("Britain's Home Secretary Theresa May met him", "Theresa May", False),  # a name, not the month
        ("£36 may not seem like much", "may", False),
        ("The meeting was held on 2 May in Paris", "2 May", True),
        ("The meeting was held in May in Paris", "May", True),
        ("The fund was agreed in May 2015", "May 2015", True),
        ("Every May since 1987, the festival", "May", True),
        ("They will march to the port", "march", False),
        ("They met in March", "March", True),
        ("They met on Thursday", "Thursday", True),
    ],
)
def test_may_and_march_are_months_only_where_a_date_is_written(text: str, value: str, is_date: bool) -> None:
    want = wanted("When did they meet?")
    assert fits(want, text, *at(text, value)) is is_date
    assert names(want, text, *at(text, value)) is is_date


@pytest.mark.parametrize(
    ("text", "read", "shown"),
    [
        (
            "Britain has pledged £12 million (S$24.6 million) over three years to boost security",
            "£12 million (S$24.6 million) over three years to boost security",
            "£12 million",
        ),
        (
            "the joint intervention fund of 15 million, financed by the UK",
            "joint intervention fund of 15 million",
            "15 million",
        ),
        ("it cost about $5.5 billion in 2010", "$5.5 billion in 2010", "about $5.5 billion"),
        ("Britain will provide 10 million euros over two years", "10 million euros over two years", "10 million euros"),
    ],
)
def test_a_sum_is_shown_as_the_sum_without_the_words_read_after_it(text: str, read: str, shown: str) -> None:
    start, end = value_bounds(wanted("How much money did Britain pledge?"), text, *at(text, read))
    assert text[start:end] == shown


def test_a_sum_in_another_currency_is_money() -> None:
    want = wanted("How much money was Francovich allowed to claim in damages?")
    text = "Francovich was allowed to claim 6 million Lira in damages."
    assert fits(want, text, *at(text, "6 million Lira"))
    assert not fits(want, text, *at(text, "Francovich"))


@pytest.mark.parametrize(
    "question",
    ["What is the British money for tackling the Calais crisis worth?", "What is Britain's pledge worth?"],
)
def test_asking_what_something_is_worth_asks_for_a_sum(question: str) -> None:
    assert wanted(question).kind == MONEY


def test_a_possessive_is_its_noun_in_the_topic() -> None:
    assert "britain" in wanted("Over how many years is Britain's Calais funding spread?").topic


def test_the_sentence_that_asks_decides_and_its_context_does_not() -> None:
    long = (
        "There's been a lot of coverage about people trying to get through the tunnel every night. Roughly how many"
        " migrants are we actually talking about in Calais?"
    )
    assert (wanted(long).kind, wanted(long).unit, wanted(long).rate) == (COUNT, "migrants", False)
    assert wanted("How many migrants try to get through every night?").rate  # asked in the question itself
    assert wanted("In what year did Rev. Elie Prioleau become the pastor?").kind == DATE  # "Rev." ends no sentence

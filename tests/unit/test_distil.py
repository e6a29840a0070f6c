"""The pure parts of the teacher run: moving the teacher's logits onto the student's tokens, the hard labels of a
window, and planning what each call to a lent GPU carries (the rest runs in tests/e2e/test_teacher.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.training.distil import NEG, aligned
from qa.training.gpu_run import calls
from qa.training.reader import Example, labels


def test_the_teachers_logits_land_on_the_student_tokens_that_start_and_end_where_its_own_do() -> None:
    # context "Bernard Cazeneuve met May"; the student window holds it from character 8 ("Cazeneuve met May")
    # student: [CLS] q [SEP] caz ##eneuve met may [SEP]; spans into the whole context
    student = [None, None, None, (8, 11), (11, 17), (18, 21), (22, 25), None]
    # teacher read "Cazeneuve met May" (shifted by 8): <s> q </s></s> cazeneuve met may </s>
    teacher = [None, None, None, None, (0, 9), (10, 13), (14, 17), None]
    starts = [5.0, 0.0, 0.0, 0.0, 3.0, 1.0, 2.0, 0.0]
    ends = [4.0, 0.0, 0.0, 0.0, 2.5, 0.5, 1.5, 0.0]
    s, e, mask = aligned(student, teacher, starts, ends, shift=8)
    assert (s[0], e[0]) == (5.0, 4.0)  # the no-answer position maps onto itself
    assert s[3:7] == [3.0, NEG, 1.0, 2.0]  # "##eneuve" starts inside the teacher's one token: nothing
    assert e[3:7] == [NEG, 2.5, 0.5, 1.5]  # "caz" ends inside it
    assert mask == [True, False, False, True, True, True, True, False]  # question and markers are not spoken for


def test_where_the_teachers_input_was_cut_it_speaks_for_nothing() -> None:
    student = [None, (0, 3), (4, 7), (8, 11)]
    teacher = [None, (0, 3), (4, 7)]  # its window ended before "ccc"
    s, _, mask = aligned(student, teacher, [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], shift=0)
    assert mask == [True, True, True, False] and s[3] == NEG


def test_a_windows_hard_labels_are_its_answer_tokens_or_no_answer() -> None:
    example = Example("Who met May?", "Bernard Cazeneuve met May", 8, "Cazeneuve")
    spans = [None, None, None, (8, 11), (11, 17), (18, 21), (22, 25), None]
    assert labels(example, spans) == (3, 4)
    assert labels(Example("q", "Bernard Cazeneuve met May", 0, "Bernard"), spans) == (0, 0)  # not in this window
    assert labels(Example("q", "x", -1, ""), spans) == (0, 0)


def test_what_travels_is_planned_into_calls_that_fit_beside_the_checkout(tmp_path: Path) -> None:
    sizes = {"a": 9, "b": 7, "c": 5, "d": 3, "e": 2}
    for name, n in sizes.items():
        (tmp_path / name).write_bytes(b"x" * n)
    plan = calls([tmp_path / n for n in sizes], room=10)
    assert [[p.name for p in call] for call in plan] == [["a"], ["b", "d"], ["c", "e"]]
    assert all(sum(sizes[p.name] for p in call) <= 10 for call in plan)
    with pytest.raises(ValueError, match="does not fit beside the checkout"):
        calls([tmp_path / "a"], room=8)

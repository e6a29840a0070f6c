"""Plain data passed between the stages of the QA pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as loaded from seeds/: the file's full text plus what we could parse from it."""

    id: str  # the file name, e.g. "000_c41d2c88b869987b.txt"; stable across rebuilds
    title: str
    text: str  # the whole file, UTF-8 decoded as on disk; every offset points into this
    regions: tuple[tuple[int, int], ...]  # [start, end) slices of text worth indexing (no page chrome)
    outlet: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when the text gives a full date
    date_text: str | None = None  # the date as written, e.g. "Thursday 2 July"
    byline: str | None = None
    format: str = "txt"  # txt, md, html, pdf (qa.formats): for html and pdf, text is the extracted text
    pages: tuple[int, ...] = ()  # pdf: where each page starts in text


@dataclass(frozen=True, slots=True)
class Chunk:
    """A slice of an article: the unit that is embedded and indexed."""

    id: str  # f"{article_id}:{n}"
    article_id: str
    title: str
    text: str  # always article.text[start:end]
    start: int
    end: int
    outlet: str | None = None
    date: str | None = None
    date_text: str | None = None
    page: int | None = None  # the PDF page the chunk starts on
    page_breaks: tuple[int, ...] = ()  # article offsets inside the chunk where a further page begins

    @property
    def shown_date(self) -> str | None:
        """The article's date as ISO when the text gives a full one, else as written ("Thursday 2 July")."""
        return self.date or self.date_text

    def page_at(self, offset: int) -> int | None:
        """The PDF page of an article offset inside this chunk (None for other formats)."""
        return None if self.page is None else self.page + sum(1 for b in self.page_breaks if b <= offset)


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk retrieved for one question; offsets are into the article file's text."""

    chunk: Chunk
    score: float  # retrieval score; higher is better
    # cosine similarity of the question's and the chunk's embeddings (0 when only BM25 found it): how near the
    # question is to what was read, whatever the corpus (qa.decision's evidence for "not found")
    similarity: float = 0.0
    for_reports: bool = False  # read only for other articles' reports, not a source of the answer (qa.reading)

    @property
    def article_id(self) -> str:
        return self.chunk.article_id

    @property
    def title(self) -> str:
        return self.chunk.title

    @property
    def text(self) -> str:
        return self.chunk.text

    @property
    def start(self) -> int:
        return self.chunk.start

    @property
    def end(self) -> int:
        return self.chunk.end

    @property
    def outlet(self) -> str | None:
        return self.chunk.outlet

    @property
    def date(self) -> str | None:
        return self.chunk.date

    @property
    def shown_date(self) -> str | None:
        return self.chunk.shown_date


@dataclass(frozen=True, slots=True)
class TextSpan:
    """What the reader finds in a text it was given: offsets are into that text (qa.read returns this)."""

    text: str
    start: int
    end: int
    score: float  # reader confidence in [0, 1]: calibrated P(the span is right) when the reader has a calibration
    margin: float = 0.0  # span logit minus the no-answer logit of its window (what the calibration maps)


@dataclass(frozen=True, slots=True)
class Span:
    """An answer candidate read from a retrieved passage: offsets are into passage.text."""

    text: str
    start: int
    end: int
    score: float  # reader confidence in [0, 1]
    passage: Passage
    margin: float = 0.0  # as TextSpan.margin
    rank: int = 0  # its place among the spans the reader gave for its passage, 0 the best

    @classmethod
    def of(cls, found: TextSpan, passage: Passage, rank: int = 0) -> Span:
        return cls(found.text, found.start, found.end, found.score, passage, found.margin, rank)

    @property
    def article_id(self) -> str:
        return self.passage.article_id

    @property
    def title(self) -> str:
        return self.passage.title

    @property
    def outlet(self) -> str | None:
        return self.passage.outlet

    @property
    def date(self) -> str | None:
        """Its article's date: ISO when the text gives a full date, else as written; never inferred."""
        return self.passage.shown_date

    @property
    def article_start(self) -> int:
        """Offset of the span in its article file's text."""
        return self.passage.start + self.start

    @property
    def article_end(self) -> int:
        return self.passage.start + self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The reply to a question: the chosen span (or None: abstained) and every passage consulted."""

    question: str
    score: float  # confidence in [0, 1]
    # citation [n] is sources[n - 1]: the retrieved passages, then any read for a report shown (for_reports)
    sources: tuple[Passage, ...]
    span: Span | None = None  # None when the system abstains
    # Other articles' reports: each its article's best span of the kind asked for, scored at least
    # Settings.min_report_score. alternatives differ from the answer or the guess (newest article first), agreeing
    # give it too. After a weak guess, alternatives are every article's report, none compared (unconfirmed).
    alternatives: tuple[Span, ...] = field(default=())
    agreeing: tuple[Span, ...] = field(default=())
    # the question as typed, when a mistyped word of it was read as another (qa.spelling); `question` is as read
    asked: str | None = None
    # Not confident, but the articles speak to the question: the reader's best span, shown labelled as a guess and
    # never as the answer (status "guess"). None when there is an answer, or nothing was found.
    guess: Span | None = None
    # alternatives are every article's report of the kind asked for, compared with no answer or guess
    # (qa.selection.unconfirmed_reports)
    unconfirmed: bool = False

    @property
    def status(self) -> str:
        """ "answer" (confident: span, text), "guess" (guess: a span the system is not sure of) or "not_found"."""
        return "answer" if self.span is not None else "guess" if self.guess is not None else "not_found"

    @property
    def reports_differ(self) -> bool:
        """Other articles report values that differ from the answer's, or the guess's."""
        return (self.span or self.guess) is not None and bool(self.alternatives) and not self.unconfirmed

    @property
    def text(self) -> str | None:
        """The span's text with whitespace collapsed (the seeds break lines inside names); None: abstained."""
        return " ".join(self.span.text.split()) if self.span else None

    @property
    def article_id(self) -> str | None:
        """Where the answer is: the article file's text[start:end] is the answer, up to whitespace."""
        return self.span.article_id if self.span else None

    @property
    def start(self) -> int | None:
        return self.span.article_start if self.span else None

    @property
    def end(self) -> int | None:
        return self.span.article_end if self.span else None

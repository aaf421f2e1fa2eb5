"""Turn the user's text into clauses of lemmas with synonyms and act numbers.

Syntax officials actually use: plain words, ``"quoted phrase"`` (must match),
``-word`` (exclude). Anything else is treated as text; stray operators alone
are an error the user can fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from search_app.analysis.analyzer import Analyzer
from search_app.analysis.intent import detect_kinds
from search_app.query import QueryError
from search_app.ranking import required_matches

LemmaSeq = tuple[str, ...]

# A bare number after these words is read as an act number: «закон 131» → 131-фз.
_LAW_WORDS = frozenset({"закон", "фз"})
_DECREE_WORDS = frozenset({"постановление", "указ", "распоряжение", "приказ"})
_PHRASE_RE = re.compile(r'"([^"]*)"')
_EXCLUDE_RE = re.compile(r"(?:(?<=\s)|^)-(?=[^\W\d_])([^\s\"]+)")


@dataclass(frozen=True)
class Clause:
    """One query concept: its lemmas and their synonym alternatives.

    A synonym's alternatives are matched whole (a multi-word one as a phrase),
    never word by word. A ``common`` clause is a word in a large share of the
    documents: it ranks, but decides the match only when nothing rarer is asked.
    A ``weak`` clause is a word that asks or links («как»,
    «какой», «нужно»): it ranks, but a document need not hold it.
    """

    lemmas: LemmaSeq
    alternatives: tuple[LemmaSeq, ...] = ()
    weak: bool = False
    common: bool = False

    @property
    def sequences(self) -> tuple[LemmaSeq, ...]:
        """What satisfies the clause: the user's words or any alternative."""
        return (self.lemmas, *self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...] = ()
    phrases: tuple[LemmaSeq, ...] = ()
    excluded: tuple[str, ...] = ()
    act_numbers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # kinds the wording asks for (boosted, not required)
    articles: tuple[str, ...] = ()  # article keys: "131-фз:14" (with the act) or "14"

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.phrases)

    @property
    def content(self) -> tuple[Clause, ...]:
        """The clauses a document is required to match (some of): every clause
        but the weak ones, or all of them when the query has nothing else."""
        strong = tuple(c for c in self.clauses if not (c.weak or c.common))
        return strong or self.clauses

    @property
    def optional(self) -> tuple[Clause, ...]:
        """Clauses that only rank: common words beside rarer ones. Weak words
        («как», «нужно») rank nothing: scoring them lifted every «Как …» title."""
        content = self.content
        return tuple(c for c in self.clauses if c not in content and not c.weak)

    def required(self, relax: int = 0) -> int:
        """How many ``content`` clauses a document must match (0: none to match),
        ``relax`` fewer than the strict rule but at least one."""
        strict = required_matches(len(self.content))
        return min(strict, max(1, strict - relax))

    def can_relax(self, relax: int = 0) -> bool:
        """Whether relaxing one step more (``relax + 1``) widens the set."""
        return self.required(relax + 1) < self.required(relax)

    @property
    def lemmas(self) -> tuple[str, ...]:
        """The user's own lemmas in order (no synonyms)."""
        out: list[str] = []
        for clause in self.clauses:
            out.extend(clause.lemmas)
        return tuple(out)

    def highlight_lemmas(self) -> frozenset[str]:
        """Every lemma whose original word forms deserve a <mark>."""
        out: set[str] = set(self.lemmas)
        for clause in self.clauses:
            for alt in clause.alternatives:
                out.update(alt)
        for phrase in self.phrases:
            out.update(phrase)
        return frozenset(out)


def parse_query(text: str, analyzer: Analyzer) -> ParsedQuery:
    """Parse ``text``; an empty text gives an empty query (browse everything)."""
    if not text.strip():
        return ParsedQuery(text="")
    phrases = tuple(
        p for p in (tuple(analyzer.lemmas(m)) for m in _PHRASE_RE.findall(text)) if p
    )
    rest = _PHRASE_RE.sub(" ", text).replace('"', " ")
    excluded = tuple(
        lemma for m in _EXCLUDE_RE.findall(rest) for lemma in analyzer.lemmas(m)
    )
    rest = _EXCLUDE_RE.sub(" ", rest)
    all_tokens = analyzer.analyze_tokens(rest)
    # Stop words are dropped (the index holds none of them).
    tokens = [t for t in all_tokens if not t.stop]
    if not tokens and not phrases and all_tokens:
        words = ", ".join(f"«{rest[t.start:t.end]}»" for t in all_tokens[:5])
        raise QueryError(
            f"Запрос состоит только из служебных слов ({words}) — по ним не ищут: добавьте слова по существу."
        )
    lemmas = [t.lemma for t in tokens]
    act_numbers = _act_numbers(lemmas)
    clauses = _how_to_action(tuple(
        Clause(seq, tuple(sorted(alts | _written_act(seq, act_numbers))), all(analyzer.is_function_word(w) for w in seq))
        for seq, alts in analyzer.expand(lemmas)
    ), analyzer)
    all_lemmas = tuple(t.lemma for t in analyzer.analyze_tokens(rest))
    parsed = ParsedQuery(
        text, clauses, phrases, excluded, act_numbers, detect_kinds(all_lemmas, act_numbers),
        article_keys(list(all_lemmas), act_numbers),
    )
    if parsed.is_empty:
        if excluded:
            raise QueryError("Запрос состоит только из исключений: добавьте слова, которые нужно найти.")
        if not any(ch.isalnum() for ch in text):
            raise QueryError("В запросе только знаки препинания и символы: введите слова, которые нужно найти.")
        raise QueryError("В запросе нет слов для поиска: введите, что нужно найти.")
    return parsed


def with_common_words(parsed: ParsedQuery, is_common: Callable[[str], bool]) -> ParsedQuery:
    """Single-word clauses whose word is in a large share of the documents
    (``is_common``) become common: like Elasticsearch's common-terms query, they
    rank but do not decide the match set. A query of nothing but common words
    still requires them (``ParsedQuery.content``)."""
    clauses = tuple(
        replace(c, common=True) if not c.weak and len(c.lemmas) == 1 and is_common(c.lemmas[0]) else c
        for c in parsed.clauses
    )
    return replace(parsed, clauses=clauses) if clauses != parsed.clauses else parsed


def _how_to_action(clauses: tuple[Clause, ...], analyzer: Analyzer) -> tuple[Clause, ...]:
    """In «как создать ТОС» the infinitive after the question word is the action a
    step-by-step solution describes (the kind intent asks for those), not the
    subject: like a common word it ranks but does not decide the match."""
    out = list(clauses)
    for i in range(len(out) - 1):
        head, verb = out[i], out[i + 1]
        if head.weak and len(verb.lemmas) == 1 and not verb.weak and analyzer.is_infinitive(verb.lemmas[0]):
            out[i + 1] = replace(verb, common=True)
    return tuple(out)


def _written_act(seq: LemmaSeq, act_numbers: tuple[str, ...]) -> set[LemmaSeq]:
    """A bare number read as an act number («закон 33» → 33-фз) also matches the act's written number."""
    if len(seq) != 1 or not seq[0].isdigit():
        return set()
    return {(n,) for n in act_numbers if n != seq[0] and n.split("-")[0] == seq[0]}


def _act_numbers(lemmas: list[str]) -> tuple[str, ...]:
    """Act numbers written out or implied by «закон 131» / «постановление 1710»."""
    found: list[str] = []
    for i, lemma in enumerate(lemmas):
        if lemma[:1].isdigit() and lemma.endswith(("-фз", "-фкз")):
            found.append(lemma)
        elif lemma.isdigit() and len(lemma) <= 4:
            window = set(lemmas[max(0, i - 3) : i]) | set(lemmas[i + 1 : i + 2])
            if window & _LAW_WORDS:
                found.append(f"{lemma}-фз")
            elif window & _DECREE_WORDS:
                found.append(lemma)
    return tuple(dict.fromkeys(found))


_ARTICLE_WORDS = frozenset({"ст", "статья"})


def article_number(token: str) -> str:
    """An article number as the index keeps it: «14», «14.1» (decimal comma → dot)."""
    return token.replace(",", ".")


def article_keys(lemmas: list[str], act_numbers: tuple[str, ...]) -> tuple[str, ...]:
    """«ст. 14 131-фз» → ("131-фз:14",); «статья 14» alone → ("14",)."""
    numbers = [
        article_number(lemmas[i + 1])
        for i, lemma in enumerate(lemmas[:-1])
        if lemma in _ARTICLE_WORDS and lemmas[i + 1][:1].isdigit() and not lemmas[i + 1].endswith("фз")
    ]
    if not numbers:
        return ()
    if act_numbers:
        return tuple(f"{act}:{n}" for act in act_numbers for n in numbers)
    return tuple(numbers)

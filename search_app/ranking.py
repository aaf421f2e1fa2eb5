"""Ranking parameters every backend translates (one place to tune them)."""

from __future__ import annotations

# Per-field weights: title above summary above body.
FIELD_BOOSTS: dict[str, float] = {"title": 1.6, "summary": 1.3, "body": 1.0, "meta": 1.2}
TEXT_FIELDS: tuple[str, ...] = tuple(FIELD_BOOSTS)
# A term's best field counts fully, the others with this share (dis_max tie_breaker).
TIE_BREAKER = 0.0
# Synonym alternatives weigh less than the user's own words.
SYNONYM_WEIGHT = 1.0
# A phrase alternative sums its words' scores: scale it by (typed length / its length) ** this.
SYNONYM_LENGTH_POWER = 0.5
# An exact act-number hit (doc_number) or the whole query as a title phrase ranks first.
ACT_NUMBER_BOOST = 40.0
TITLE_PHRASE_BOOST = 6.0
# «ст. 14 131-фз»: the article itself outranks its act (a bare «статья 14» gets a quarter).
ARTICLE_BOOST = 60.0
# Related documents: sharing a topic with the document adds this (constant) score.
RELATED_TOPIC_BOOST = 2.0
# Closed competitions and expired acts are multiplied by this (demoted, not hidden).
FINISHED_FACTOR = 0.8
# Documents of the kind the wording asks for («как …» → solution, «закон …» → act).
KIND_INTENT_BOOST = 1.5


def synonym_weight(own: tuple[str, ...], alternative: tuple[str, ...]) -> float:
    """A synonym weighs less than the user's word; a phrase sums its words' scores,
    so a longer alternative is scaled towards the length of what the user typed."""
    return SYNONYM_WEIGHT * min(1.0, (len(own) / len(alternative)) ** SYNONYM_LENGTH_POWER)

"""Ranking parameters every backend translates (one place to tune them)."""

from __future__ import annotations

import math

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
# Under a region filter the region's own documents come before the federal ones
# it keeps: a constant far above any text score, added to the region's own.
REGION_TIER_BOOST = 1000.0
# Documents of the kind the wording asks for («как …» → solution, «закон …» → act)
# are multiplied by this: the lift follows how well the text matches, so a
# «Как создать …» title about another subject no longer rises above the subject.
KIND_INTENT_FACTOR = 1.3


def synonym_weight(own: tuple[str, ...], alternative: tuple[str, ...]) -> float:
    """A synonym weighs less than the user's word; a phrase sums its words' scores,
    so a longer alternative is scaled towards the length of what the user typed."""
    return SYNONYM_WEIGHT * min(1.0, (len(own) / len(alternative)) ** SYNONYM_LENGTH_POWER)

# How many of a query's content words a document must hold, in the spirit of
# Elasticsearch's ``minimum_should_match: "1<-50% 3<-40%"``: up to the first
# bound every word; above a bound, the given share of the words may be missing
# (rounded down): 1 of 2, 2 of 3, 3 of 4, 3 of 5, 4 of 6. Tuned on the dev corpus
# with ``munnav evaluate`` (nDCG@10 0.903, median_ratio 2.33, recall_all 0.950),
# together with COMMON_WORD_SHARE and RELAX_BELOW.
MIN_SHOULD_MATCH: tuple[tuple[int, float], ...] = ((1, 0.5), (3, 0.4))
# A word in more than this share of the documents is common: beside rarer words
# of the query it ranks but is not required (Elasticsearch's common-terms idea).
COMMON_WORD_SHARE = 0.2
# A strict match set smaller than this is widened one required word at a time,
# down to any one of the content words (with a notice on the page).
RELAX_BELOW = 3


def required_matches(words: int) -> int:
    """Content words (of ``words``) a document must hold to match."""
    missing = 0.0
    for bound, share in MIN_SHOULD_MATCH:
        if words > bound:
            missing = share
    return max(1, words - math.floor(words * missing)) if words else 0

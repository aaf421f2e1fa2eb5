"""Russian text analysis shared by every backend: tokens, lemmas, synonyms."""

from search_app.analysis.analyzer import Analyzer, get_analyzer
from search_app.analysis.tokenizer import Token, tokenize

__all__ = ["Analyzer", "Token", "get_analyzer", "tokenize"]

import math

from search_app.evaluate import ndcg_at_k, recall_at_k, reciprocal_rank


def test_ndcg_perfect_and_swapped():
    grades = {"a": 3, "b": 1}
    assert ndcg_at_k(["a", "b"], grades) == 1.0
    swapped = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert math.isclose(ndcg_at_k(["b", "a"], grades), swapped)
    assert ndcg_at_k(["x"], grades) == 0.0


def test_recall_and_mrr_count_grade_two_and_up():
    grades = {"a": 3, "b": 2, "c": 1}
    assert recall_at_k(["c", "b"], grades) == 0.5
    assert reciprocal_rank(["c", "x", "b"], grades) == 1 / 3
    assert reciprocal_rank(["c"], grades) == 0.0

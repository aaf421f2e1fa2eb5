"""Reports join problems, editors publish, merge, split and reject; counts follow."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from search_app.dialogue.problems import DialogueError, ProblemService, Reporter, title_of

VOLOGDA = Reporter(1, "Череповецкий муниципальный район", "Вологодская область")
PERM = Reporter(2, "Кунгурский муниципальный округ", "Пермский край")
PERM_2 = Reporter(3, "Чайковский городской округ", "Пермский край")

PITS = "Ямы на дорогах местного значения, нет средств на ремонт асфальта"
PITS_2 = "Разбитый асфальт на сельских дорогах, ремонт дорог не финансируется"
BRIDGE = "Аварийный мост через реку закрыт, школьный автобус ездит в объезд"


def test_similar_reports_join_one_problem_and_count_once_published(db: Engine) -> None:
    service = ProblemService(db)
    first = service.submit(VOLOGDA, PITS, "дороги")
    second = service.submit(PERM, PITS_2, "дороги")
    other = service.submit(PERM_2, BRIDGE, "дороги")
    assert first.problem_id == second.problem_id != other.problem_id
    assert first.status == "pending"
    assert service.problem(first.problem_id).municipalities == 0  # nothing counts before an editor
    published = service.publish(first.problem_id)
    assert (published.reports, published.municipalities, published.regions) == (2, 2, 2)
    assert service.regions_of(published.id) == [("Вологодская область", 1), ("Пермский край", 1)]


def test_merge_moves_reports_into_a_published_problem(db: Engine) -> None:
    service = ProblemService(db)
    target = service.submit(VOLOGDA, PITS, "дороги").problem_id
    service.publish(target)
    source = service.submit(PERM_2, BRIDGE, "дороги").problem_id
    merged = service.merge(source, target)
    assert merged.id == target and merged.municipalities == 2
    assert service.problem(source).status == "merged" and service.problem(source).merged_into == target
    assert [r.status for r in service.reports_in(target)] == ["published", "published"]
    with pytest.raises(DialogueError, match="закрыта"):
        service.merge(source, target)


def test_split_moves_chosen_reports_into_a_new_problem(db: Engine) -> None:
    service = ProblemService(db)
    a = service.submit(VOLOGDA, PITS, "дороги")
    b = service.submit(PERM, PITS_2, "дороги")
    service.publish(a.problem_id)
    new = service.split(a.problem_id, [b.id], title="Сельские дороги")
    assert new.title == "Сельские дороги" and new.status == "new"
    assert service.report(b.id).problem_id == new.id and service.report(b.id).status == "pending"
    assert service.problem(a.problem_id).municipalities == 1
    with pytest.raises(DialogueError, match="не все"):
        service.split(a.problem_id, [a.id])


def test_reject_needs_a_reason_the_reporter_sees(db: Engine) -> None:
    service = ProblemService(db)
    report = service.submit(VOLOGDA, PITS, "дороги")
    with pytest.raises(DialogueError, match="причину"):
        service.reject(report.problem_id, "  ")
    service.reject(report.problem_id, "Не относится к полномочиям МСУ")
    mine = service.reports_of(VOLOGDA.id)
    assert [(r.status, r.reason) for r in mine] == [("rejected", "Не относится к полномочиям МСУ")]
    assert service.problem(report.problem_id).status == "rejected"


def test_me_too_counts_a_municipality_once(db: Engine) -> None:
    service = ProblemService(db)
    problem = service.submit(VOLOGDA, PITS, "дороги").problem_id
    with pytest.raises(DialogueError, match="не опубликована"):
        service.add_me_too(PERM, problem)
    service.publish(problem)
    first = service.add_me_too(PERM, problem)
    again = service.add_me_too(PERM, problem)
    assert first.id == again.id and first.text == ""
    service.publish(problem)
    assert service.problem(problem).municipalities == 2


def test_a_deflected_report_is_kept_in_no_problem(db: Engine) -> None:
    service = ProblemService(db)
    report = service.deflect(VOLOGDA, PITS, "дороги", "s-roads")
    assert (report.status, report.problem_id, report.deflected_by) == ("deflected", None, "s-roads")


def test_bad_reports_are_refused_with_a_message(db: Engine) -> None:
    service = ProblemService(db)
    with pytest.raises(DialogueError, match="подробнее"):
        service.submit(VOLOGDA, "ямы", "дороги")
    with pytest.raises(DialogueError, match="профиле"):
        service.submit(Reporter(9, "", ""), PITS, "дороги")
    with pytest.raises(DialogueError, match="тему"):
        service.submit(VOLOGDA, PITS, "")


def test_title_is_the_first_sentence() -> None:
    assert title_of("Нет воды. Совсем нет.") == "Нет воды"
    assert len(title_of("слово " * 100)) <= 121

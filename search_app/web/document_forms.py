"""The console's document form: fields of FORMAT.md, steps with references (Flask-WTF)."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ingest.document import KIND_LABELS, Document
from search_app.editorial import HAND_KINDS

ID_PATTERN = r"^[a-z0-9][a-z0-9._:-]*$"
MAX_STEPS = 30
SPLIT = re.compile(r"[,;\n]")


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def _text(value: str | None) -> str:
    """A textarea's value: browsers send line breaks as CR LF, the base keeps LF (an
    untouched text must not look changed, or it would become an override of its source)."""
    return _strip(value).replace("\r\n", "\n").replace("\r", "\n")


def _joined(items: tuple[str, ...]) -> str:
    return ", ".join(items)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in SPLIT.split(text or "") if part.strip()]


class StepForm(FlaskForm):
    class Meta:
        csrf = False  # a part of the document form, which carries the token

    title = StringField("Заголовок шага", filters=[_strip], validators=[Length(max=300)])
    text = TextAreaField("Что сделать", filters=[_text], validators=[Length(max=5000)])
    refs = StringField("Ссылки на документы (id через запятую)", filters=[_strip], validators=[Length(max=2000)])

    def is_empty(self) -> bool:
        return not (self.title.data or self.text.data or self.refs.data)


class DocumentForm(FlaskForm):
    id = StringField("Идентификатор", filters=[_strip], validators=[
        DataRequired("Заполните это поле."), Length(max=200),
        Regexp(ID_PATTERN, message="Только строчные латинские буквы, цифры и . _ : -, например solution-tos-2027."),
    ])
    kind = SelectField("Вид", choices=[SelectChoice(k, KIND_LABELS[k]) for k in HAND_KINDS])
    title = StringField("Заголовок", filters=[_strip], validators=[DataRequired("Заполните это поле."), Length(max=500)])
    summary = TextAreaField("Кратко", filters=[_text], validators=[Length(max=2000)])
    body = TextAreaField("Текст", filters=[_text], validators=[Length(max=50_000)])
    topics = StringField("Темы (через запятую)", filters=[_strip], validators=[Length(max=1000)])
    regions = StringField("Регионы (через запятую)", filters=[_strip], validators=[Length(max=2000)])
    municipality = StringField("Муниципалитет", filters=[_strip], validators=[Length(max=300)])
    published = DateField("Дата публикации", validators=[Optional()], format="%Y-%m-%d")
    deadline = DateField("Срок подачи заявок", validators=[Optional()], format="%Y-%m-%d")
    steps = FieldList(FormField(StepForm), min_entries=3, max_entries=MAX_STEPS)

    def record(self, extra: dict[str, Any] | None = None, before: Document | None = None) -> dict[str, Any]:
        """The FORMAT.md record the form describes (empty steps left out).

        A list sent back as ``fill`` showed it keeps the items of ``before``: an
        item may itself hold a comma («охрана здоровья граждан, пропаганда …»).
        """
        record: dict[str, Any] = dict(extra or {})
        record.update({
            "id": self.id.data, "kind": self.kind.data, "title": self.title.data,
            "summary": self.summary.data, "body": self.body.data, "municipality": self.municipality.data,
        })
        for name in ("topics", "regions"):
            text, kept = getattr(self, name).data, getattr(before, name, ())
            record[name] = list(kept) if before is not None and text == _joined(kept) else split_list(text)
        for name in ("published", "deadline"):
            value = getattr(self, name).data
            if value:
                record[name] = value.isoformat()
            else:
                record.pop(name, None)
        record["steps"] = [
            {"title": s.form.title.data, "text": s.form.text.data, "refs": split_list(s.form.refs.data)}
            for s in self.steps if not s.form.is_empty()
        ]
        return {k: v for k, v in record.items() if v not in ("", [], None) or k in ("id", "kind", "title")}

    steps_error = ""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for n, entry in enumerate(self.steps.entries, 1):
            if not entry.form.is_empty() and not entry.form.title.data:
                entry.form.title.errors = [*entry.form.title.errors, f"У шага {n} нет заголовка."]
                ok = False
        if self.kind.data == "solution" and all(e.form.is_empty() for e in self.steps.entries):
            self.steps_error = "У готового решения должен быть хотя бы один шаг."
            ok = False
        return ok

    def show_missing_refs(self, missing: dict[int, list[str]]) -> None:
        """Put the service's "step N points at a missing document" on the step's field."""
        filled = [e for e in self.steps.entries if not e.form.is_empty()]
        for n, ids in missing.items():
            field = filled[n - 1].form.refs
            field.errors = [*field.errors, f"Таких документов нет в базе (или они сняты): {', '.join(ids)}."]

    def fill(self, doc: Document) -> None:
        self.id.data, self.kind.data, self.title.data = doc.id, doc.kind, doc.title
        self.summary.data, self.body.data, self.municipality.data = doc.summary, doc.body, doc.municipality
        self.topics.data, self.regions.data = _joined(doc.topics), _joined(doc.regions)
        self.published.data, self.deadline.data = doc.published, doc.deadline
        while len(self.steps) < len(doc.steps):
            self.steps.append_entry()
        for entry, step in zip(self.steps, doc.steps, strict=False):
            entry.form.title.data, entry.form.text.data = step.title, step.text
            entry.form.refs.data = ", ".join(step.refs)

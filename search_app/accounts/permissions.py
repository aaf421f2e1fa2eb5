"""One authorisation function per action: "may this user do this action to this object?".

Views and services ask ``may(user, action, obj)``; nothing else looks at roles.
Every function receives an active user (``may`` refuses anonymous, disabled,
deleted and unconfirmed users before asking) and the object acted on, if any.
The permission matrix test walks every action here × every role.
"""

from __future__ import annotations

from collections.abc import Callable

from search_app.accounts.model import User

AuthFunction = Callable[[User, object], bool]
ACTIONS: dict[str, AuthFunction] = {}


def action(name: str) -> Callable[[AuthFunction], AuthFunction]:
    def register(fn: AuthFunction) -> AuthFunction:
        ACTIONS[name] = fn
        return fn

    return register


def may(user: User | None, name: str, obj: object = None) -> bool:
    if name not in ACTIONS:
        raise KeyError(f"unknown action {name!r}")
    if user is None or not user.can_act:
        return False
    return ACTIONS[name](user, obj)


# -- the account itself ------------------------------------------------------

@action("account.view")
def view_own_account(user: User, obj: object) -> bool:
    return True


@action("search.save")
def save_search(user: User, obj: object) -> bool:
    """Any confirmed account, approved or not, may follow searches."""
    return True


@action("document.follow")
def follow_document(user: User, obj: object) -> bool:
    """Deadline reminders and act change notices: like saved searches, any confirmed account."""
    return True


@action("api.write")
def write_through_api(user: User, obj: object) -> bool:
    return user.has_role("editor")


# -- officials and lawyers (the services of the next issues) ------------------

@action("problem.report")
def report_problem(user: User, obj: object) -> bool:
    """Trusted officials only: a confirmed but unapproved account may not report yet."""
    return user.has_role("official") and user.is_approved


@action("problem.moderate")
def moderate_problems(user: User, obj: object) -> bool:
    """Publish, merge, split, reject problems of the Municipal Dialogue and link their answers."""
    return user.has_role("editor")


@action("legal.ask")
def ask_lawyer(user: User, obj: object) -> bool:
    return user.has_role("official") and user.is_approved


@action("legal.answer")
def answer_question(user: User, obj: object) -> bool:
    return user.has_role("lawyer")


# -- the editors' console -----------------------------------------------------

def _editor(user: User) -> bool:
    return user.has_role("editor")


@action("console.view")
def view_console(user: User, obj: object) -> bool:
    return _editor(user)


@action("source.run")
def run_source(user: User, obj: object) -> bool:
    return _editor(user)


@action("index.manage")
def manage_index(user: User, obj: object) -> bool:
    return _editor(user)


@action("document.edit")
def edit_document(user: User, obj: object) -> bool:
    return _editor(user)


@action("document.override")
def resolve_overrides(user: User, obj: object) -> bool:
    """See where a source changed what an editor corrected, keep or drop corrections:
    whoever may edit documents."""
    return edit_document(user, obj)


@action("document.withdraw")
def withdraw_document(user: User, obj: object) -> bool:
    return _editor(user)


@action("synonyms.edit")
def edit_synonyms(user: User, obj: object) -> bool:
    return _editor(user)


@action("account.approve")
def approve_account(user: User, obj: object) -> bool:
    """Editors and admins approve officials (never themselves)."""
    if isinstance(obj, User) and obj.id == user.id:
        return False
    return _editor(user) or user.has_role("admin")


# -- administration -----------------------------------------------------------

@action("admin.view")
def view_admin(user: User, obj: object) -> bool:
    return user.has_role("admin")


@action("account.manage")
def manage_account(user: User, obj: object) -> bool:
    """Admins change roles and disable accounts, but not their own (no lock-out by mistake)."""
    if isinstance(obj, User) and obj.id == user.id:
        return False
    return user.has_role("admin")


@action("audit.view")
def view_audit(user: User, obj: object) -> bool:
    return user.has_role("admin")


@action("settings.edit")
def edit_settings(user: User, obj: object) -> bool:
    return user.has_role("admin")

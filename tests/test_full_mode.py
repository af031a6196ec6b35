"""Full mode (restricted facts) needs OIDC login and the allow-list; it is audited.

Uses AppTest's user mocking: `at.user` stands for what st.login's identity provider
would return."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"redirect_uri": "https://graph.example.org/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://accounts.example.org/.well-known/openid-configuration"}


@pytest.fixture()
def full_env(tiny_location: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "audit.log"
    monkeypatch.setenv("REPGRAPH_STORE", str(tiny_location))
    monkeypatch.setenv("REPGRAPH_MODE", "full")
    monkeypatch.setenv("REPGRAPH_AUDIT_LOG", str(log))
    monkeypatch.delenv("REPGRAPH_ALLOWED_USERS", raising=False)
    monkeypatch.syspath_prepend(str(ROOT))
    return log


def _app(page: str = "app_pages/explore.py", user: dict | None = None,  # type: ignore[type-arg]
         auth: bool = True) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    if auth:
        at.secrets["auth"] = AUTH
        at.secrets["repgraph"] = {"allowed_users": ["ana@example.org"]}
    if user is not None:
        at.user.clear()
        at.user.update(user)
    return at


def _text(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("error", "info", "markdown", "title", "caption",
                                                "header", "subheader")
                     for e in getattr(at, kind))


def test_full_mode_refuses_without_auth(full_env: Path) -> None:
    at = _app(auth=False, user={"is_logged_in": True, "email": "ana@example.org"})
    at.query_params["entity"] = "ayla-huseynova"
    at.run()
    assert not at.exception
    assert "no authentication is configured" in _text(at)
    assert "CANARY" not in _text(at) and "Ayla" not in _text(at)


def test_full_mode_asks_to_log_in(full_env: Path) -> None:
    at = _app(user={"is_logged_in": False})
    at.query_params["entity"] = "ayla-huseynova"
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert "Ayla" not in _text(at)


def test_full_mode_refuses_users_not_on_the_allow_list(full_env: Path) -> None:
    at = _app(user={"is_logged_in": True, "email": "mallory@example.org"})
    at.query_params["entity"] = "ayla-huseynova"
    at.run()
    assert not at.exception
    assert "not allowed" in _text(at) and "Ayla" not in _text(at)
    entries = [json.loads(x) for x in full_env.read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["user"]) for e in entries] == [("denied", "mallory@example.org")]


def test_allowed_user_sees_restricted_facts_and_is_audited(full_env: Path) -> None:
    at = _app(user={"is_logged_in": True, "email": "Ana@example.org"})
    at.query_params["entity"] = "ayla-huseynova"
    at.run()
    assert not at.exception
    shown = _text(at) + "\n".join(str(t.value) for t in at.table) + \
        "\n".join(str(d.value) for d in at.dataframe)
    assert "CANARY-NOTE-91c2" in shown or "CANARY-WITNESS-7f3a" in shown
    entries = [json.loads(x) for x in full_env.read_text(encoding="utf-8").splitlines()]
    assert entries[0]["event"] == "login" and entries[0]["user"] == "ana@example.org"


def test_queries_in_full_mode_are_audited_without_their_text(full_env: Path) -> None:
    at = _app("app_pages/sparql.py", user={"is_logged_in": True, "email": "ana@example.org"})
    at.run()
    text = 'SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "CANARY-WITNESS")) }'
    at.text_area[0].set_value(text)
    at.button(key=next(b.key for b in at.button if b.label == "Run query")).click()
    at.run()
    assert not at.exception
    log = full_env.read_text(encoding="utf-8")
    entries = [json.loads(x) for x in log.splitlines()]
    queries = [e for e in entries if e["event"] == "query"]
    assert queries and queries[-1]["status"] == "ok" and queries[-1]["rows"] == 1
    assert "CANARY" not in log and "SELECT" not in log


def test_public_mode_needs_no_login_and_shows_no_restricted_facts(
        tiny_location: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPGRAPH_STORE", str(tiny_location))
    monkeypatch.delenv("REPGRAPH_MODE", raising=False)
    monkeypatch.syspath_prepend(str(ROOT))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/explore.py")
    at.query_params["entity"] = "ayla-huseynova"
    at.run()
    assert not at.exception
    shown = _text(at) + "\n".join(str(d.value) for d in at.dataframe)
    assert "Ayla" in shown and "CANARY" not in shown

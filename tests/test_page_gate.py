"""The gate opens once per request for routes at a horizon (ballard/views/page_gate.py)."""

from flask import g

from ballard import horizon
from tests.conftest import set_progress_cookie


def test_a_page_opens_its_gate_once(tiny, client, monkeypatch):
    opened = []
    real = horizon.open_gate

    def counting(*args, **kwargs):
        opened.append(args[1:3])
        return real(*args, **kwargs)

    monkeypatch.setattr(horizon, "open_gate", counting)
    set_progress_cookie(tiny, client, "tiny", 4)
    for url in ("/tiny/at/4/characters/owen-marsh", "/api/v1/shows/tiny/at/4/characters/owen-marsh"):
        opened.clear()
        assert client.get(url).status_code == 200
        assert opened == [("tiny", "4")]
    opened.clear()
    assert client.get("/tiny/").status_code == 302  # no horizon in the URL: no gate
    assert client.get("/api/v1/shows/tiny").status_code == 200
    assert opened == []


def test_the_checks_before_the_view_still_come_first(tiny, client):
    """The API's query-parameter check answers before the gate's 404; an automatic
    OPTIONS answer reads no show and no horizon, as when each view opened its gate."""
    response = client.get("/api/v1/shows/nope/at/99?x=1")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert client.options("/nope/at/99/").status_code == 200
    assert client.options("/api/v1/shows/tiny/at/99").status_code == 200
    assert client.get("/nope/at/1/").status_code == 404


def test_a_page_leaves_nothing_in_g_for_the_next_request(tiny, client):
    """g outlives a request run inside an app context already pushed: the next request,
    to a route without a horizon, must not open the last page's gate."""
    set_progress_cookie(tiny, client, "tiny", 2)
    with tiny.app_context():
        assert client.get("/tiny/at/2/").status_code == 200
        assert "page_values" not in g and "gate" not in g
        # the last page was at h = 2, ahead of nothing; this form's answer is its own
        response = client.post("/tiny/progress", data={"horizon": "9"})
        assert response.status_code == 400
        assert "Before you read on" not in response.get_data(as_text=True)

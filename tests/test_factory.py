import pytest

from ballard import create_app
from ballard.config import ConfigError


def test_production_refuses_missing_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="BALLARD_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": None})


def test_production_refuses_weak_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="at least 32"):
        create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "short"})


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="BALLARD_ENV"):
        create_app({"ENV": "staging", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_environment_variables_configure_the_app(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/env.db"
    monkeypatch.setenv("BALLARD_DATABASE_URL", url)
    monkeypatch.setenv("BALLARD_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("BALLARD_ENV", "production")
    app = create_app()
    assert app.config["DATABASE_URL"] == url
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_key_is_generated_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("BALLARD_SECRET_KEY", raising=False)
    cfg = {"ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"}
    first = create_app(cfg).config["SECRET_KEY"]
    assert len(first) >= 32
    assert create_app(cfg).config["SECRET_KEY"] == first


def test_test_config_overrides_the_environment_which_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("BALLARD_PAGE_CACHE_MB", "7")
    cfg = {"ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/o.db", "SECRET_KEY": "k" * 40}
    assert create_app(cfg).config["PAGE_CACHE_MB"] == 7
    assert create_app({**cfg, "PAGE_CACHE_MB": 0}).config["PAGE_CACHE_MB"] == 0
    monkeypatch.delenv("BALLARD_PAGE_CACHE_MB")
    assert create_app(cfg).config["PAGE_CACHE_MB"] == 64

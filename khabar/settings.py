"""One settings object for every command: the YAML settings file and the environment, read in one place.

Precedence, highest first: values passed in code, the environment (``KHABAR_<FIELD>``), the settings file
(``$KHABAR_SETTINGS``, else ``config/settings.yaml`` in the working directory when present), the defaults below.
Relative paths are taken from the working directory, as the repository's Makefile and tests expect.

This module imports nothing else from khabar: every layer (the extractors included) may read it.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_SETTINGS = "config/settings.yaml"
DEFAULT_SOURCES = "config/sources.yaml"
DEFAULT_DATA_DIR = "data"
PACKAGE_DATA = "khabar.config"  # the repository's config/ folder, installed as package data


class Settings(BaseSettings):
    """Everything a run reads from outside: where data lives, which files to load, how many workers."""

    model_config = SettingsConfigDict(env_prefix="KHABAR_", env_ignore_empty=True, extra="forbid")

    data_dir: Path = Field(Path(DEFAULT_DATA_DIR), description="databases and reports (KHABAR_DATA_DIR)")
    db: Path | None = Field(None, description="the warehouse (KHABAR_DB); default data_dir/khabar.duckdb")
    db_memory_limit: str = Field("256MB", description="DuckDB's cap for the writer (KHABAR_DB_MEMORY_LIMIT)")
    extract_workers: str = Field("auto", description="extraction processes: auto or a number")
    sources: Path = Field(Path(DEFAULT_SOURCES), description="the source registry (KHABAR_SOURCES)")
    gazetteers: Path | None = Field(
        None, description="a directory laid out like config/ whose files replace the packaged ones"
    )
    crawl: dict[str, Any] = Field(
        default_factory=dict, description="the crawler's section, validated by khabar.crawl.settings"
    )

    @property
    def db_path(self) -> Path:
        return self.db if self.db is not None else self.data_dir / "khabar.duckdb"

    @property
    def demo_db(self) -> Path:
        return self.data_dir / "demo.duckdb"

    @property
    def sources_path(self) -> Path:
        """The registry to read: the configured file; the packaged copy when the default is absent (an
        installed khabar run outside a checkout still has the agencies' registry)."""
        if self.sources == Path(DEFAULT_SOURCES) and not self.sources.is_file():
            packaged = resources.files(PACKAGE_DATA).joinpath("sources.yaml")
            if isinstance(packaged, Path) and packaged.is_file():
                return packaged
        return self.sources

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """No dotenv or secrets files: the environment and the YAML file (given as init values by `load`)."""
        return init_settings, env_settings


def settings_file() -> Path:
    """The YAML settings file: ``$KHABAR_SETTINGS``, else ``config/settings.yaml`` (which may be absent)."""
    return Path(os.environ.get("KHABAR_SETTINGS") or DEFAULT_SETTINGS)


def read_yaml(path: Path) -> dict[str, Any]:
    """A settings file's top-level mapping; a clear error naming the file when it is not one."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    return raw


def load(path: str | Path | None = None, **overrides: Any) -> Settings:
    """The settings now (read afresh: tests and long-lived processes see a changed environment).

    `path` names the settings file (it must exist); by default `settings_file()` is read when present. The
    environment wins over the file, `overrides` over both."""
    p = Path(path) if path is not None else settings_file()
    if path is not None and not p.is_file():
        raise ValueError(f"{p}: no such settings file")
    from_file = read_yaml(p) if p.is_file() else {}
    try:
        env = Settings(**overrides)  # the environment and overrides only: which fields did they set?
    except ValidationError as exc:
        raise ValueError(f"environment: {_first_error(exc, 'KHABAR_')}") from None
    merged = {**from_file, **env.model_dump(exclude_unset=True)}
    try:
        return Settings.model_validate(merged)  # validation only: no second read of the environment
    except ValidationError as exc:
        raise ValueError(f"{p}: {_first_error(exc)}") from None


def _first_error(exc: ValidationError, prefix: str = "") -> str:
    err = exc.errors()[0]
    field = ".".join(str(x) for x in err["loc"])
    return f"{prefix}{field.upper() if prefix else field}: {err['msg']}"


@functools.cache
def gazetteer_override() -> Path | None:
    """The `gazetteers` override directory, read once per process: `data_file` is called for each of the
    extractor's data files and a fresh `load()` re-reads the settings file and environment every time (the
    extractor reads its data once anyway; `gazetteer_override.cache_clear()` forgets it)."""
    return load().gazetteers


def data_file(rel: str) -> Traversable:
    """A packaged data file (``gazetteers/provinces.yaml``, ``extract/units.yaml``…), or the user's copy of it
    under the `gazetteers` override directory when that directory has one."""
    override = gazetteer_override()
    if override is not None and (override / rel).is_file():
        return override / rel
    return resources.files(PACKAGE_DATA).joinpath(rel)


def default_db() -> str:
    """CLI default for ``--db`` of commands that create a warehouse."""
    return str(load().db_path)


def default_demo_db() -> str:
    return str(load().demo_db)


def default_sources() -> str:
    """CLI default for ``--sources``."""
    return str(load().sources_path)

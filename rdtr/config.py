"""Settings, read from the environment (prefix ``RDTR_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RDTR_", env_file=".env", extra="ignore")

    #: A real server for production. When unset, the embedded cluster under ``home`` is used.
    database_url: str | None = None
    #: Where the embedded cluster and local state live.
    home: Path = Field(default=Path(".rdtr"))

    # Answers
    #: Positional tolerance of a 1:5.000 RDTR map: closer to a zone edge than this is "near a boundary".
    boundary_tolerance_m: float = 2.5
    #: Pieces of a parcel below this share are slivers and do not decide the verdict.
    sliver_share: float = 0.01
    #: Largest parcel accepted by the analysis (m²): 100 ha.
    max_parcel_area_m2: float = 1_000_000.0
    #: Most parcels in one FeatureCollection.
    max_batch_parcels: int = 10_000

    # Uploads
    max_upload_bytes: int = 200 * 1024 * 1024

    #: Public base URL used in extract QR codes (verification links).
    public_url: str = "http://127.0.0.1:8000"

    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""Settings, read from the environment (prefix ``RDTR_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RDTR_", env_file=".env", extra="ignore")

    #: A real server for production. When unset, the embedded cluster under ``home`` is used.
    database_url: str | None = None
    #: The schema owner, for migrations and command-line loads (token and ingest commands); default: the above.
    owner_database_url: str | None = None
    #: Read replicas (PostgreSQL streaming standbys of the above), comma-separated URLs: answers, tiles,
    #: searches and downloads read from them; every write goes to the primary (rdtr.db.replicas).
    database_replica_urls: str | None = None
    #: A replica further behind the primary than this many seconds is skipped until it catches up.
    replica_max_lag_s: float = Field(default=5.0, gt=0)
    #: Seconds between the checks of each replica (up, standby, replayed WAL, lag).
    replica_check_s: float = Field(default=1.0, gt=0, le=60)
    #: Let `rdtr serve` run as a superuser or the schema owner (debugging, old set-ups).
    allow_superuser: bool = False
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
    max_batch_parcels: int = Field(default=10_000, ge=1)
    #: Most vertices in one parcel, and in all the parcels of one request together.
    max_parcel_vertices: int = Field(default=20_000, ge=4)
    max_request_vertices: int = Field(default=2_000_000, ge=4)
    #: Most zone pieces (parcel ∩ zone polygon) one request may produce.
    max_pieces: int = Field(default=200_000, ge=1)
    #: Largest JSON request body (bytes): parcels, batches, extract requests, converted files.
    max_json_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    #: Largest JSON answer (bytes); a bigger batch is refused with the advice to split it.
    max_response_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # Abuse limits (per API worker process): requests a minute per client, failed token attempts a minute
    # per client; RDTR_RATE_LIMIT=off turns both off. X-Forwarded-For is believed only from these proxies.
    rate_limit: bool = True
    rate_limit_per_minute: int = Field(default=600, ge=1)
    auth_failures_per_minute: int = Field(default=10, ge=1)
    trusted_proxies: list[str] = Field(default_factory=list)

    #: FastAPI's native OpenTelemetry traces, metrics and logs (to the providers the process configures).
    telemetry: bool = False

    #: Threads for heavy work (parcel analysis, batches, extracts, conversions, uploads), per API worker.
    worker_threads: int = Field(default=2, ge=1, le=64)
    #: Plan versions whose answer data (sub-zones, ITBX, intensity, memos) a process keeps, least recently
    #: used dropped first (rdtr.versions.VersionCache); 0: keep every version asked about. Keep it above the
    #: number of plans in force, or a search across all plans reads the versions again each time.
    version_cache_size: int = Field(default=256, ge=0)

    # Uploads
    max_upload_bytes: int = 200 * 1024 * 1024

    #: Public base URL of the service: the verification links (and their QR codes) of extracts are built
    #: from it and nothing else. Required to issue extracts outside the embedded default database.
    public_url: str | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        if not 0 <= self.sliver_share < 1:
            raise ValueError(f"RDTR_SLIVER_SHARE must be in [0, 1), got {self.sliver_share}")
        if self.boundary_tolerance_m < 0 or self.max_parcel_area_m2 <= 0:
            raise ValueError("RDTR_BOUNDARY_TOLERANCE_M must be ≥ 0 and RDTR_MAX_PARCEL_AREA_M2 > 0")
        if self.max_parcel_vertices > self.max_request_vertices:
            raise ValueError("RDTR_MAX_PARCEL_VERTICES cannot exceed RDTR_MAX_REQUEST_VERTICES")
        return self

    def replica_urls(self) -> list[str]:
        """``RDTR_DATABASE_REPLICA_URLS`` as a list (empty when unset)."""
        return [u.strip() for u in (self.database_replica_urls or "").split(",") if u.strip()]

    def resolved_home(self) -> Path:
        """``home`` as an absolute path."""
        return self.home.expanduser().resolve()

    # The issuing office, printed in the letterhead of every extract (rdtr.render.extract.office); the defaults
    # say plainly that it is not configured.
    #: The office's name, e.g. "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Bontang".
    office_name: str = "INSTANSI PENERBIT BELUM DIKONFIGURASI (RDTR_OFFICE_NAME) / issuing office not configured"
    #: The office's postal address, one line.
    office_address: str = "Alamat instansi belum dikonfigurasi (RDTR_OFFICE_ADDRESS) / office address not configured"
    #: A local PNG or JPEG file (never a URL): the logo, read with a size bound and checked by its content.
    office_logo: str | None = None

    # Watches (webhooks, rdtr.watches)
    #: Seconds a delivery's request may take (connect and answer); a URL's name resolution gets at most 3 s.
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)
    #: Seconds between the API's delivery passes (0: the API delivers nothing; run `rdtr watches deliver`).
    webhook_poll_s: float = Field(default=5.0, ge=0)
    #: Let watches call loopback, private and link-local addresses (a local receiver, an intranet).
    webhook_allow_private: bool = False

    #: Where the bulk downloads of plan versions are built once and kept (rdtr.downloads); default
    #: ``<home>/downloads``.
    downloads_dir: Path | None = None
    #: Build a version's PMTiles archive (rdtr.render.tile_archive) in the background on its first tile
    #: request; off: only the download of ``tiles.pmtiles`` builds it. Tiles are rendered until it is there.
    tile_archive_on_first_use: bool = True
    #: Tile archives kept open per process (one file and memory map each), least recently used closed first.
    tile_archive_readers: int = Field(default=64, ge=1, le=10_000)
    #: The highest zoom written to a tile archive (the web page asks up to 18); tiles above it are rendered.
    tile_archive_max_zoom: int = Field(default=18, ge=10, le=22)


@lru_cache
def get_settings() -> Settings:
    """The settings, read once per process (tests clear the cache to change them)."""
    return Settings()

"""The issuing office an extract's letterhead names: its name, address and logo, from configuration
(``RDTR_OFFICE_NAME``, ``RDTR_OFFICE_ADDRESS``, ``RDTR_OFFICE_LOGO``).

The logo is a local PNG or JPEG file — never a URL: read with a size bound, recognised by its content (not
its name), decoded once with a bound on its pixels and scaled down to what the letterhead prints. Anything
else is an :class:`OfficeLogoError` (503, the detail names the setting and what is wrong), raised at start-up
by :func:`check_office` or when an extract is rendered — never a crash halfway through a PDF.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from rdtr.errors import RdtrError

#: Largest logo file read (bytes) and largest decoded image (pixels).
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4096 * 4096
#: The longest side the letterhead needs (pixels: 18 mm at about 500 dpi).
LOGO_SIDE_PX = 360

_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class OfficeLogoError(RdtrError):
    """The configured office logo cannot be used (missing, not a file, too big, not a PNG/JPEG image)."""

    status = 503
    title = "Office logo unusable"


@dataclass(frozen=True)
class Office:
    """The issuing office as the letterhead prints it; ``logo_png`` is the scaled logo (PNG bytes) or ``None``."""

    name: str
    address: str
    logo_png: bytes | None = None
    configured: bool = True


def _bad(path: str, why: str) -> OfficeLogoError:
    return OfficeLogoError(f"RDTR_OFFICE_LOGO ({path}) {why}; set it to a local PNG or JPEG file, or unset it")


def load_logo(path: str | Path) -> bytes:
    """The logo at ``path`` checked and scaled for the letterhead, as PNG bytes (:class:`OfficeLogoError`)."""
    text = str(path).strip()
    if _URL.match(text):
        raise _bad(text, "is a URL; the logo is read from a local file only")
    file = Path(text).expanduser()
    try:
        with file.open("rb") as fh:
            raw = fh.read(MAX_LOGO_BYTES + 1)
    except FileNotFoundError:
        raise _bad(text, "does not exist") from None
    except IsADirectoryError:
        raise _bad(text, "is a folder, not a file") from None
    except OSError as exc:
        raise _bad(text, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_LOGO_BYTES:
        raise _bad(text, f"is larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB")
    kind = next((k for magic, k in _MAGIC.items() if raw.startswith(magic)), None)
    if kind is None:
        raise _bad(text, "is not a PNG or JPEG image (judged by its content)")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw), formats=[kind]) as img:
            if img.width * img.height > MAX_LOGO_PIXELS:
                raise _bad(text, f"is {img.width} x {img.height} pixels, above {MAX_LOGO_PIXELS:,} pixels")
            img.load()
            img = img.convert("RGBA") if img.mode in ("P", "LA", "PA", "RGBA") else img.convert("RGB")
            img.thumbnail((LOGO_SIDE_PX, LOGO_SIDE_PX))
            out = io.BytesIO()
            img.save(out, format="PNG", optimize=True)
    except OfficeLogoError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise _bad(text, f"is not a readable {kind} image ({type(exc).__name__})") from None
    return out.getvalue()


def office_from_settings(settings=None) -> Office:
    """The office of the current configuration, its logo loaded (:func:`load_logo`)."""
    if settings is None:
        from rdtr.config import get_settings

        settings = get_settings()
    logo = load_logo(settings.office_logo) if settings.office_logo else None
    unset_name, unset_address = (type(settings).model_fields[f].default for f in ("office_name", "office_address"))
    name = (settings.office_name or "").strip() or unset_name
    address = (settings.office_address or "").strip() or unset_address
    configured = name != unset_name and address != unset_address
    return Office(name=name, address=address, logo_png=logo, configured=configured)


def office_from_defaults() -> Office:
    """The office as the letterhead prints it while nothing is configured (the settings' defaults, no logo)."""
    from rdtr.config import Settings

    fields = Settings.model_fields
    return Office(fields["office_name"].default, fields["office_address"].default, None, configured=False)


def check_office(settings=None) -> Office:
    """The start-up check of the office settings: the same as rendering does, once (:class:`OfficeLogoError`)."""
    return office_from_settings(settings)

"""QR codes as inline SVG (screens) and as module matrices (PDF)."""

from __future__ import annotations

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

# Error correction M or better (DESIGN §5): Q survives a fold or a smudge on a paper ballot.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires


def qr_matrix(data: str, error_correction: int = ERROR_CORRECTION) -> list[list[bool]]:
    """Return the QR modules of `data` including the quiet zone (True = dark)."""
    code = qrcode.QRCode(error_correction=error_correction, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(data: str, size_mm: float = 30, error_correction: int = ERROR_CORRECTION) -> str:
    """Return an inline <svg> QR code of the given printed size, quiet zone included."""
    code = qrcode.QRCode(error_correction=error_correction, border=QUIET_ZONE, image_factory=SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    # Print at a fixed physical size; the viewBox keeps the modules square.
    return svg.replace("<svg ", f'<svg role="img" aria-label="二维码" style="width:{size_mm}mm;height:{size_mm}mm" ', 1)

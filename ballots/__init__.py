"""Ballot tokens, QR rendering and printable ballot sheets (HTML print view and PDF)."""

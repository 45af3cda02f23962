"""PDF generation on WeasyPrint: PDF/A-3u, tagged, only the portal's own static files."""

"""Report files: XLSX with chart sheets, CSV and the official Persian PDF."""

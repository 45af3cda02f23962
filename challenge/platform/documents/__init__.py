"""Documents: every stored file is a row plus an object in storage (DESIGN §4, Documents)."""
